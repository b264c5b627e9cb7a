import sharp from 'sharp';
import { findAutoQuality, sampleOf } from './auto-quality';
import { applyEncoder, type EncodeSpec } from './encoders';
import { fromPixels, lumaOf, type Pixels } from './pixels';
import { ssim } from './ssim';

const spec: EncodeSpec = {
  format: 'webp',
  mode: 'lossy',
  quality: 0,
  fullChroma: false,
  progressive: true,
  animated: false,
  copyright: {},
};
const encode = (image: sharp.Sharp, quality: number) => applyEncoder(image, { ...spec, quality });

// no Math.* in the pixel loop: global lookups are slow inside jest's VM context
const clamp = (value: number) => (value < 0 ? 0 : value > 255 ? 255 : value);

/** Smooth: gentle gradients only. Textured: the same plus strong per-pixel grain. */
function makePixels(width: number, height: number, grain: number): Pixels {
  const data = Buffer.alloc(width * height * 3);
  let state = 7;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1664525 + 1013904223) >>> 0;
      const noise = ((state >>> 24) - 128) * grain;
      data[i++] = clamp(40 + (x * 150) / width + noise);
      data[i++] = clamp(80 + (y * 120) / height + noise);
      data[i++] = clamp(160 - (x * 60) / width + noise);
    }
  }
  return { data, width, height, channels: 3 };
}

describe('findAutoQuality', () => {
  it('picks a lower quality for a smooth image than for a textured one', async () => {
    const smooth = await findAutoQuality(makePixels(480, 320, 0), { target: 0.96, floor: 1, encode });
    const textured = await findAutoQuality(makePixels(480, 320, 0.25), { target: 0.96, floor: 1, encode });
    expect(smooth.quality).toBeLessThan(textured.quality);
  });

  it('returns a quality whose full encode meets the target, in at most 4 trials', async () => {
    const pixels = makePixels(480, 320, 0.15);
    const found = await findAutoQuality(pixels, { target: 0.95, floor: 1, encode });
    expect(found.trials).toBeLessThanOrEqual(4);
    const reference = await lumaOf(fromPixels(pixels));
    const output = await encode(fromPixels(pixels), found.quality).toBuffer();
    expect(ssim(reference, await lumaOf(sharp(output)))).toBeGreaterThanOrEqual(0.95);
    if (found.quality > 20) {
      // the next step down misses the target: it is the lowest that meets it
      const lower = await encode(fromPixels(pixels), found.quality - 5).toBuffer();
      expect(ssim(reference, await lumaOf(sharp(lower)))).toBeLessThan(0.95);
    }
  });

  it('never goes below the floor', async () => {
    const found = await findAutoQuality(makePixels(200, 200, 0), { target: 0.5, floor: 85, encode });
    expect(found.quality).toBe(85);
  });
});

describe('sampleOf', () => {
  it('keeps small images whole and samples large ones as a 288×288 mosaic of their own pixels', () => {
    const small = makePixels(400, 300, 0.1);
    expect(sampleOf(small)).toBe(small);
    const large = makePixels(1200, 900, 0.1);
    const sample = sampleOf(large);
    expect(sample).toMatchObject({ width: 288, height: 288, channels: 3 });
    // the first tile's first row is a row of the source, starting at a 16-aligned x
    const row = sample.data.subarray(0, 96 * 3);
    const y = Math.floor((900 / 6 - 48) / 16) * 16;
    const x = Math.floor((1200 / 6 - 48) / 16) * 16;
    expect(row.equals(large.data.subarray((y * 1200 + x) * 3, (y * 1200 + x + 96) * 3))).toBe(true);
  });
});
