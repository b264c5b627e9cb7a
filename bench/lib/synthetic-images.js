'use strict';
// Seeded synthetic images for the benchmarks' corpora, beside the real photos: the same bytes on
// every run for the same arguments, so cached files and figures stay comparable.

/**
 * Smooth gradients and waves with seeded grain: compresses like a photo, not like noise.
 * `wave` is the horizontal and vertical period of the waves; `pageHeight` stacks frames.
 */
function photo(sharp, { width, height, seed, grain = 0.08, wave = [37, 53], pageHeight }) {
  const data = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1664525 + 1013904223) >>> 0;
      const noise = ((state >>> 24) - 128) * grain;
      const swell = Math.sin(x / wave[0] + Math.sin(y / wave[1]) * 3) * 40;
      data[i++] = clamp(70 + (x * 120) / width + swell + noise);
      data[i++] = clamp(90 + (y * 100) / height - swell / 2 + noise);
      data[i++] = clamp(150 - (x * 60) / width + noise);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3, ...(pageHeight ? { pageHeight } : {}) } });
}

/** Flat colour bands (a few colours), optionally with transparent ones: a UI graphic. */
function graphic(sharp, width, height, alpha) {
  const channels = alpha ? 4 : 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const band = ((x >> 5) + (y >> 5)) % 4;
      data[i++] = [230, 20, 250, 40][band];
      data[i++] = [120, 40, 250, 160][band];
      data[i++] = [30, 200, 250, 90][band];
      if (alpha) data[i++] = band === 2 ? 0 : 255;
    }
  }
  return sharp(data, { raw: { width, height, channels } });
}

function clamp(value) {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

module.exports = { photo, graphic };
