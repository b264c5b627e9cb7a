'use strict';
// The images bench/load.js uploads: every JPEG and PNG of Debian's mate-backgrounds (real
// photos and wallpapers, 0.1–16 MiB; `apt-get download` into bench/.cache, never committed)
// and generated JPEG/PNG/WebP photos and graphics of several sizes, plus one truncated JPEG
// that the gateway accepts (its first bytes are a JPEG) and the worker must reject. Each image
// is turned once into a complete multipart/form-data body, so a request costs no copying.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { mateBackgrounds } = require('../lib/mate-backgrounds');
const { graphic, photo } = require('../lib/synthetic-images');

const CACHE = path.join(__dirname, '..', '.cache');
const GENERATED_DIR = path.join(CACHE, 'load-corpus');
const BOUNDARY = '----ingestkit-bench-load-boundary';

/**
 * The corpus, in a fixed interleaved order (real, generated, real, …) so that any run of
 * consecutive requests mixes both. Items: `{ name, kind, expect, bytes, body, contentType }`
 * where kind is `photo` (mate-backgrounds), `generated` or `corrupt`, and `expect` the
 * terminal status the pipeline should reach.
 */
async function loadCorpus(sharp) {
  const real = mateBackgrounds().map((file) => ({ name: path.basename(file), file, kind: 'photo', expect: 'ready' }));
  const generated = await generatedImages(sharp);
  const items = [];
  for (let i = 0; i < Math.max(real.length, generated.length); i++) {
    if (real[i]) items.push(real[i]);
    if (generated[i]) items.push(generated[i]);
  }
  return Promise.all(items.map(async (item) => ({ ...item, ...multipartBody(item.name, await fsp.readFile(item.file)) })));
}

function multipartBody(fileName, data) {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="tags"\r\n\r\nbench-load\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return {
    bytes: data.length,
    body: Buffer.concat([head, data, tail]),
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  };
}

/** Generated once into bench/.cache/load-corpus (seeded, so every run uploads the same bytes). */
async function generatedImages(sharp) {
  await fsp.mkdir(GENERATED_DIR, { recursive: true });
  const specs = [
    ['gen-photo-640x480.jpg', () => loadPhoto(sharp, 640, 480, 1).jpeg({ quality: 85 })],
    ['gen-graphic-800x600.png', () => graphic(sharp, 800, 600, false).png()],
    ['gen-photo-1920x1080.jpg', () => loadPhoto(sharp, 1920, 1080, 2).jpeg({ quality: 90 })],
    ['gen-photo-1024x768.webp', () => loadPhoto(sharp, 1024, 768, 3).webp({ quality: 80 })],
    ['gen-photo-4000x3000.jpg', () => loadPhoto(sharp, 4000, 3000, 4).jpeg({ quality: 92 })],
    ['gen-graphic-alpha-1024x768.png', () => graphic(sharp, 1024, 768, true).png()],
    ['gen-photo-1200x800.png', () => loadPhoto(sharp, 1200, 800, 5).png()],
    ['gen-photo-3000x2000.webp', () => loadPhoto(sharp, 3000, 2000, 6).webp({ quality: 85 })],
    ['gen-graphic-1600x900.webp', () => graphic(sharp, 1600, 900, false).webp({ lossless: true })],
    ['gen-photo-2400x1600-progressive.jpg', () => loadPhoto(sharp, 2400, 1600, 7).jpeg({ quality: 88, progressive: true })],
  ];
  const items = [];
  for (const [name, make] of specs) {
    const file = path.join(GENERATED_DIR, name);
    if (!fs.existsSync(file)) await writeAtomically(file, await make().toBuffer());
    items.push({ name, file, kind: 'generated', expect: 'ready' });
  }
  // The first 60% of a JPEG: sniffed as a JPEG at upload, refused as corrupt_image by the worker.
  const truncated = path.join(GENERATED_DIR, 'gen-truncated-1920x1080.jpg');
  if (!fs.existsSync(truncated)) {
    const whole = await loadPhoto(sharp, 1920, 1080, 8).jpeg({ quality: 90 }).toBuffer();
    await writeAtomically(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
  }
  items.splice(5, 0, { name: path.basename(truncated), file: truncated, kind: 'corrupt', expect: 'rejected' });
  return items;
}

async function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

/** This corpus's photos: waves whose period follows the seed (their bytes are cached under these names). */
function loadPhoto(sharp, width, height, seed) {
  return photo(sharp, { width, height, seed, wave: [29 + seed, 47] });
}

module.exports = { loadCorpus, multipartBody };
