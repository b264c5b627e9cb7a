'use strict';
// The default delivery policy on an opaque sRGB photo AS IT WAS before issue 19 (commit a8532e4),
// frozen here so that bench:optimize measures "before" and "after" in the same run, on the same
// machine and load: a second full-resolution decode for validation, the pixel analysis over
// every pixel, the quality search on 4×4 tiles of 128 px, WebP method 4 for the main output and
// for each variant (each resized from the full output), and the placeholder from the full output.
// It reuses only package functions whose results issue 19 did not change (inspectImage,
// encoderQuality, ssim). For photos only: the bench checks that the input is an opaque sRGB
// still JPEG for which the WebP output is smaller than the input (rule 1 of the never-larger rule).

const TILE = 128;
const GRID = 4;
const WHOLE_IMAGE_PIXELS = GRID * TILE * GRID * TILE * 1.5;
const VARIANT_WIDTHS = [320, 480, 960, 1440];

/** Runs the old pipeline on `file`; returns `{ main, variants, placeholder, quality, profile }` (CPU ms per step). */
async function optimizeBefore(sharp, imaging, file) {
  const limits = imaging.defaultImagingLimits;
  const profile = { validation: 0, decode: 0, analysis: 0, search: 0, mainEncode: 0, variants: 0, placeholder: 0 };
  const step = async (name, work) => {
    const start = process.cpuUsage();
    try {
      return await work();
    } finally {
      const used = process.cpuUsage(start);
      profile[name] += (used.user + used.system) / 1000;
    }
  };
  const open = () => sharp(file, { failOn: 'warning', limitInputPixels: limits.maxInputPixels, animated: false });

  const info = await step('validation', async () => {
    const inspected = await imaging.inspectImage(file, limits);
    await open().resize({ width: 8, height: 8, fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
    return inspected;
  });
  if (info.format !== 'jpeg' || info.isAnimated) throw new Error(`${file}: the frozen baseline handles still JPEG photos only`);
  await imaging.inspectImage(file, limits); // the optimize stage inspects again (not a step of its own)
  const pixels = await step('decode', async () => {
    const { data, info: out } = await open()
      .rotate()
      .resize({ width: 2000, height: 2000, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: out.width, height: out.height, channels: out.channels };
  });
  if (pixels.channels !== 3) throw new Error(`${file}: the frozen baseline handles opaque RGB photos only`);
  const analysis = await step('analysis', () => analyseAllPixels(pixels));
  if (analysis.colours <= 256) throw new Error(`${file}: a graphic, not a photo`);
  const webp = (image, quality) => image.webp({ quality: imaging.encoderQuality('webp', quality), effort: 4 });
  const quality = await step('search', () => searchQuality(sharp, imaging, pixels, webp));
  const main = await step('mainEncode', () => webp(raw(sharp, pixels), quality).toBuffer());
  if (main.length >= info.bytes) throw new Error(`${file}: the output is not smaller than the input`);
  const variants = await step('variants', async () => {
    const widths = new Set();
    for (const width of VARIANT_WIDTHS) for (const w of [width, width * 2]) if (w < pixels.width) widths.add(w);
    const out = [];
    for (const width of [...widths].sort((a, b) => a - b))
      out.push(await webp(raw(sharp, pixels).resize({ width }), quality).toBuffer());
    return out;
  });
  const placeholder = await step('placeholder', () =>
    raw(sharp, pixels)
      .resize({ width: 24, height: 24, fit: 'inside' })
      .blur(0.6)
      .webp({ quality: 40, alphaQuality: 40, effort: 6 })
      .toBuffer(),
  );
  return { main, variants, placeholder, quality, width: pixels.width, height: pixels.height, profile };
}

function raw(sharp, pixels) {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });
}

/** The old analysePixels: colour count (stops at 257), alpha and the 16×16×16 histogram over every pixel. */
function analyseAllPixels({ data, channels }) {
  const colours = new Set();
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  let previous = Number.NaN;
  let isOpaque = true;
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i];
    const g = data[i + 1];
    const b = data[i + 2];
    const a = channels === 4 ? data[i + 3] : 255;
    if (a !== 255) isOpaque = false;
    if (colours.size <= 256) {
      const key = (r << 24) + (g << 16) + (b << 8) + a;
      if (key !== previous) {
        colours.add(key);
        previous = key;
      }
    }
    if (a === 0) continue;
    const cell = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    count[cell]++;
    sums[cell * 3] += r;
    sums[cell * 3 + 1] += g;
    sums[cell * 3 + 2] += b;
  }
  return { colours: colours.size, isOpaque };
}

/** The old findAutoQuality: binary search over 20–95 in steps of 5 on the 4×4×128 mosaic, target 0.96. */
async function searchQuality(sharp, imaging, pixels, webp) {
  const sample = sampleOf(pixels);
  const reference = await luma(raw(sharp, sample));
  let lo = 0;
  let hi = 15;
  let best = 95;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const quality = 20 + mid * 5;
    const encoded = await webp(raw(sharp, sample), quality).toBuffer();
    if (imaging.ssim(reference, await luma(sharp(encoded))) >= 0.96) {
      best = quality;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return best;
}

function sampleOf(pixels) {
  const { width, height, channels } = pixels;
  if (width * height <= WHOLE_IMAGE_PIXELS) return pixels;
  const across = Math.max(1, Math.min(GRID, Math.floor(width / TILE)));
  const down = Math.max(1, Math.min(GRID, Math.floor(height / TILE)));
  const tileW = Math.min(TILE, width);
  const tileH = Math.min(TILE, height);
  const out = Buffer.allocUnsafe(across * tileW * down * tileH * channels);
  const rowBytes = across * tileW * channels;
  const start = (index, count, size, tile) => {
    const centre = ((index + 0.5) * size) / count;
    return Math.max(0, Math.min(size - tile, Math.floor((centre - tile / 2) / 16) * 16));
  };
  for (let ty = 0; ty < down; ty++) {
    const y0 = start(ty, down, height, tileH);
    for (let tx = 0; tx < across; tx++) {
      const x0 = start(tx, across, width, tileW);
      for (let row = 0; row < tileH; row++) {
        const from = ((y0 + row) * width + x0) * channels;
        pixels.data.copy(out, (ty * tileH + row) * rowBytes + tx * tileW * channels, from, from + tileW * channels);
      }
    }
  }
  return { data: out, width: across * tileW, height: down * tileH, channels };
}

async function luma(image) {
  const { data, info } = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

module.exports = { optimizeBefore };
