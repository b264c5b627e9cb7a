'use strict';
// Section (d) of bench:optimize: CPU per photo of the default policy, step by step, before
// issue 19 (bench/optimize/baseline.js, a frozen copy of that pipeline) and now, against one
// bare encode of the same photo, with the bytes and luma SSIM of every output beside them.
// Photos run one at a time in this process with one libvips thread, so process.cpuUsage()
// around a step is that step's CPU (user + system, all threads). Each photo runs `rounds`
// times and keeps its cheapest round per side, so another process's burst does not count.

const { optimizeBefore } = require('./baseline');

const STEPS = ['validation', 'decode', 'analysis', 'search', 'mainEncode', 'variants', 'placeholder'];

/** Measures every photo; returns per-side totals, per-step sums and output figures. */
async function measureCpu(sharp, imaging, photos, rounds) {
  const policy = imaging.createPolicyRegistry().resolve({ name: 'default', destination: 'local' });
  const sides = { before: emptySide(), after: emptySide() };
  let bareMs = 0;
  for (const photo of photos) {
    let best = { before: undefined, after: undefined, bare: Number.POSITIVE_INFINITY };
    for (let round = 0; round < rounds; round++) {
      const before = await optimizeBefore(sharp, imaging, photo.file);
      const after = await optimizeAfter(imaging, photo.file, policy);
      const bare = await cpuOf(() => bareEncode(sharp, photo.file));
      if (!best.before || total(before.profile) < total(best.before.profile)) best.before = before;
      if (!best.after || total(after.profile) < total(best.after.profile)) best.after = after;
      best.bare = Math.min(best.bare, bare);
    }
    bareMs += best.bare;
    const references = new Map();
    for (const side of ['before', 'after']) await addOutputs(sharp, imaging, sides[side], best[side], photo, references);
  }
  return { ...sides, bareMs, count: photos.length };
}

async function optimizeAfter(imaging, file, policy) {
  const limits = imaging.defaultImagingLimits;
  const profile = { validation: 0, ...imaging.createOptimizeProfile() };
  profile.validation = await cpuOf(() => imaging.probeImage(file, limits));
  const info = await imaging.inspectImage(file, limits);
  const out = await imaging.optimizeImage(file, info, policy, limits, profile);
  return {
    main: out.data,
    variants: out.variants.map((variant) => variant.data),
    quality: out.quality,
    width: out.width,
    height: out.height,
    profile,
  };
}

/** The bench's unit of cost: decode, fit into 2000 px, one WebP at quality 75 (method 4). */
function bareEncode(sharp, file) {
  return sharp(file)
    .rotate()
    .resize({ width: 2000, height: 2000, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
}

function emptySide() {
  return {
    steps: Object.fromEntries(STEPS.map((step) => [step, 0])),
    mainBytes: 0,
    variantBytes: 0,
    inBytes: 0,
    mainSsim: [],
    variantSsim: [],
  };
}

async function addOutputs(sharp, imaging, side, result, photo, references) {
  for (const step of STEPS) side.steps[step] += result.profile[step];
  side.inBytes += photo.bytes;
  side.mainBytes += result.main.length;
  side.mainSsim.push({ name: photo.name, ssim: await scoreOf(sharp, imaging, photo.file, result.main, references) });
  for (const variant of result.variants) {
    side.variantBytes += variant.length;
    side.variantSsim.push({ name: photo.name, ssim: await scoreOf(sharp, imaging, photo.file, variant, references) });
  }
}

/** Luma SSIM of an output against its source fit to the output's size (cached per size). */
async function scoreOf(sharp, imaging, file, output, references) {
  const target = await luma(sharp(output));
  const key = `${target.width}x${target.height}`;
  if (!references.has(key)) {
    references.set(
      key,
      await luma(sharp(file).rotate().resize({ width: target.width, height: target.height, fit: 'fill' }).toColourspace('srgb')),
    );
  }
  return imaging.ssim(references.get(key), target);
}

async function luma(image) {
  const { data, info } = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function cpuOf(work) {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function total(profile) {
  return STEPS.reduce((sum, step) => sum + profile[step], 0);
}

module.exports = { measureCpu, STEPS };
