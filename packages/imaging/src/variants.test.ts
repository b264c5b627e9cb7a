import { fromPixels, lumaOf, type Pixels } from './pixels';
import { ssim } from './ssim';
import { resizeVariants, variantWidthsFor } from './variants';

describe('variantWidthsFor', () => {
  const defaults = [320, 480, 960, 1440];

  it('adds 2× widths the output allows, narrowest first, for a 2000 px output', () => {
    expect(variantWidthsFor(defaults, 2000)).toEqual([320, 480, 640, 960, 1440, 1920]);
  });

  it('never enlarges: an 800 px output gets only narrower variants', () => {
    expect(variantWidthsFor(defaults, 800)).toEqual([320, 480, 640]);
  });

  it('gives none for outputs narrower than the smallest width, or without widths', () => {
    expect(variantWidthsFor(defaults, 320)).toEqual([]);
    expect(variantWidthsFor([], 2000)).toEqual([]);
  });
});

/** Waves and edges at photo-like scales (periods of 40–90 px): what the chain must keep. */
function scene(width: number, height: number): Pixels {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wave = Math.sin(x / 7 + Math.sin(y / 13) * 3) * 70;
      data[i++] = Math.max(0, Math.min(255, 120 + wave));
      data[i++] = (x * 255) / width;
      data[i++] = ((x >> 6) + (y >> 6)) % 2 === 0 ? 40 : 200;
    }
  }
  return { data, width, height, channels: 3 };
}

describe('resizeVariants', () => {
  it('gives each width, narrowest first, with the height rounded from the source aspect', async () => {
    const source = scene(2000, 1333);
    const widths = [320, 480, 640, 960, 1440, 1920];
    const made = await resizeVariants(source, widths);
    expect(made.map((pixels) => [pixels.width, pixels.height])).toEqual(
      widths.map((width) => [width, Math.round((width * 1333) / 2000)]),
    );
    for (const pixels of made) expect(pixels.data.length).toBe(pixels.width * pixels.height * 3);
  });

  it('looks like a direct resize from the source (luma SSIM ≥ 0.99 for a chained one)', async () => {
    const source = scene(1200, 800);
    const [chained] = await resizeVariants(source, [280, 600]); // 280 is made from the 600
    const direct = fromPixels(source).resize({ width: 280, height: chained!.height, fit: 'fill' });
    expect(ssim(await lumaOf(direct), await lumaOf(fromPixels(chained!)))).toBeGreaterThanOrEqual(0.99);
  });
});
