'use strict';
// The HEIC row of bench:optimize: decode cost and peak memory of a 12 MP (4032×3024) HEIC next
// to a JPEG of the same pixels. Each decode runs `probeImage` (header, then one full decode) in
// a fresh Node process, so its peak RSS is that decode's and nothing else's; CPU is user + sys
// of that process minus an idle Node start. The HEIC is encoded once by `heif-enc` (Debian
// package libheif-examples; ≈13 s of CPU) and cached in bench/.cache.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const WIDTH = 4032;
const HEIGHT = 3024;

/** Measures both decodes `runs` times each; the HEIC side is skipped, with a reason, without heif-enc. */
async function heicRow(sharp, cacheDir, photo, runs = 3) {
  const jpeg = path.join(cacheDir, 'heic-12mp.jpg');
  const heic = path.join(cacheDir, 'heic-12mp.heic');
  if (!fs.existsSync(jpeg)) {
    const pixels = await photo(sharp, { width: WIDTH, height: HEIGHT, seed: 12 }).jpeg({ quality: 90 }).toBuffer();
    fs.writeFileSync(jpeg, pixels);
  }
  if (!fs.existsSync(heic)) {
    try {
      execFileSync('heif-enc', ['-q', '80', '-o', heic, jpeg], { stdio: 'ignore' });
    } catch {
      return { skipped: 'heif-enc not found (Debian package libheif-examples)' };
    }
  }
  const baseline = measure(null);
  const row = {};
  for (const [label, file] of [
    ['jpeg', jpeg],
    ['heic', heic],
  ]) {
    const samples = Array.from({ length: runs }, () => measure(file));
    samples.sort((a, b) => a.cpuMs - b.cpuMs);
    const median = samples[Math.floor(samples.length / 2)];
    row[label] = {
      bytes: fs.statSync(file).size,
      decodeCpuMs: Math.max(0, Math.round(median.cpuMs - baseline.cpuMs)),
      peakRssMiB: Math.round(median.maxRssKb / 1024),
      peakAboveIdleMiB: Math.round((median.maxRssKb - baseline.maxRssKb) / 1024),
    };
  }
  return row;
}

function measure(file) {
  const script = `
    const imaging = require('@ingestkit/imaging');
    imaging.configureSharp({ concurrency: 1 });
    (async () => {
      if (${JSON.stringify(file)}) await imaging.probeImage(${JSON.stringify(file)}, imaging.defaultImagingLimits);
      const usage = process.resourceUsage();
      process.stdout.write(JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS }));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..') }).toString());
}

/** Prints the row as two table lines. */
function printHeicRow(row) {
  console.log('\n## HEIC decode (12 MP, 4032×3024, probeImage in a fresh process)\n');
  if (row.skipped) {
    console.log(`skipped: ${row.skipped}`);
    return;
  }
  console.log('| input | bytes | decode CPU | peak RSS | above an idle Node |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [label, r] of Object.entries(row)) {
    console.log(`| ${label} | ${r.bytes} | ${r.decodeCpuMs} ms | ${r.peakRssMiB} MiB | ${r.peakAboveIdleMiB} MiB |`);
  }
}

module.exports = { heicRow, printHeicRow };
