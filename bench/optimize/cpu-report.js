'use strict';
// Prints section (d) of bench:optimize (see cpu.js) and its goal lines.

const { STEPS } = require('./cpu');

const LABELS = {
  validation: 'validation (probe: header + decode check)',
  decode: 'decode (shrink-on-load, fit into 2000 px)',
  analysis: 'pixel analysis',
  search: 'quality search',
  mainEncode: 'main encode',
  variants: 'variants (resize + encode)',
  placeholder: 'placeholder',
};

function printCpu(cpu, goals, check) {
  const n = cpu.count;
  const bare = cpu.bareMs / n;
  const perPhoto = (side, steps = STEPS) => steps.reduce((sum, step) => sum + cpu[side].steps[step], 0) / n;
  const optimizeSteps = STEPS.filter((step) => step !== 'validation');
  console.log(`\n## (d) CPU per photo, default policy: before issue 19 (frozen copy) and now\n`);
  console.log(`${n} photos, one at a time, one libvips thread; CPU ms per photo (mean), cheapest of the rounds per photo\n`);
  console.log('| step | before | now | now / one bare encode |');
  console.log('|---|---:|---:|---:|');
  for (const step of STEPS) {
    const before = cpu.before.steps[step] / n;
    const after = cpu.after.steps[step] / n;
    console.log(`| ${LABELS[step]} | ${before.toFixed(1)} | ${after.toFixed(1)} | ${(after / bare).toFixed(2)} |`);
  }
  const rows = [
    ['optimize (all steps but validation)', optimizeSteps],
    ['validation + optimize', STEPS],
  ];
  for (const [label, steps] of rows) {
    const before = perPhoto('before', steps);
    const after = perPhoto('after', steps);
    console.log(`| **${label}** | ${before.toFixed(1)} | ${after.toFixed(1)} | ${(after / bare).toFixed(2)} |`);
  }
  console.log(`| one bare encode (decode, fit into 2000 px, one WebP q75) | ${bare.toFixed(1)} | ${bare.toFixed(1)} | 1.00 |`);

  const outputs = summariseOutputs(cpu);
  console.log('\n| outputs | bytes before | bytes now | change | median SSIM before / now | worst SSIM before / now |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const row of outputs) {
    console.log(
      `| ${row.label} | ${row.before.bytes} | ${row.after.bytes} | ${pct(row.change)} | ` +
        `${row.before.median.toFixed(4)} / ${row.after.median.toFixed(4)} | ` +
        `${row.before.worst.toFixed(4)} (${row.before.worstName}) / ${row.after.worst.toFixed(4)} (${row.after.worstName}) |`,
    );
  }

  const all = outputs.find((row) => row.label === 'all outputs');
  const main = outputs.find((row) => row.label === 'main');
  const beside = `bytes ${pct(all.change)} (all outputs; main ${pct(main.change)}), worst SSIM main ${main.after.worst.toFixed(4)} (before ${main.before.worst.toFixed(4)})`;
  console.log('\n## goals (d), photos, default policy\n');
  for (const [label, steps] of rows) {
    const ratio = perPhoto('after', steps) / bare;
    const before = perPhoto('before', steps) / bare;
    check(
      `${label} ≤ ${goals.bareEncodes}× one bare encode`,
      `${ratio.toFixed(2)}× (before ${before.toFixed(2)}×); ${beside}`,
      ratio <= goals.bareEncodes,
    );
  }
  check(`total bytes ≤ ${pct(goals.moreBytes)} over before (all outputs)`, pct(all.change), all.change <= goals.moreBytes);
  check(
    'worst SSIM no lower than before (main output)',
    `${main.after.worst.toFixed(4)} vs ${main.before.worst.toFixed(4)}`,
    main.after.worst >= main.before.worst,
  );
  const variants = outputs.find((row) => row.label === 'variants');
  console.log(
    `(not a goal: worst variant SSIM ${variants.after.worst.toFixed(4)} vs ${variants.before.worst.toFixed(4)} before)`,
  );
}

function summariseOutputs(cpu) {
  const side = (name, kind) => {
    const data = cpu[name];
    const scores =
      kind === 'main' ? data.mainSsim : kind === 'variants' ? data.variantSsim : [...data.mainSsim, ...data.variantSsim];
    const bytes = kind === 'main' ? data.mainBytes : kind === 'variants' ? data.variantBytes : data.mainBytes + data.variantBytes;
    const worst = scores.reduce((a, b) => (b.ssim < a.ssim ? b : a));
    return { bytes, median: median(scores.map((score) => score.ssim)), worst: worst.ssim, worstName: worst.name };
  };
  return [
    ['main', 'main'],
    ['variants', 'variants'],
    ['all outputs', 'all'],
  ].map(([label, kind]) => {
    const before = side('before', kind);
    const after = side('after', kind);
    return { label, before, after, change: after.bytes / before.bytes - 1 };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pct(value) {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}

module.exports = { printCpu };
