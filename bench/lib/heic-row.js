'use strict';
// The HEIC row of bench:optimize: decode cost and peak memory of a 12 MP (4032×3024) HEIC next
// to a JPEG of the same pixels. Each measurement runs in a fresh Node process, so its peak RSS
// is that operation's and nothing else's; CPU is user + sys of that process minus one that
// loads the same modules and decodes nothing. Two operations: `probeImage` (what validation
// pays: for a JPEG a shrink-on-load check, for a HEIC a full decode) and a full decode to RGB
// pixels (sharp for the JPEG; for the HEIC the same as its probe). The HEIC is encoded once by
// `heif-enc` (Debian package libheif-examples; ≈13 s of CPU) and cached in bench/.cache.

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
  const median = (op, file) => {
    const samples = Array.from({ length: runs }, () => measure(op, file)).sort((a, b) => a.cpuMs - b.cpuMs);
    return samples[Math.floor(samples.length / 2)];
  };
  const idle = median('idle', jpeg);
  const row = {};
  for (const [label, file] of [
    ['jpeg', jpeg],
    ['heic', heic],
  ]) {
    const probe = median('probe', file);
    const decode = label === 'heic' ? probe : median('decode', file);
    row[label] = {
      bytes: fs.statSync(file).size,
      probeCpuMs: Math.max(0, Math.round(probe.cpuMs - idle.cpuMs)),
      decodeCpuMs: Math.max(0, Math.round(decode.cpuMs - idle.cpuMs)),
      decodePeakMiB: Math.round(decode.maxRssKb / 1024),
      decodeAboveIdleMiB: Math.round((decode.maxRssKb - idle.maxRssKb) / 1024),
    };
  }
  return row;
}

/** One operation on `file` in a fresh process: `idle` (modules loaded only), `probe` or `decode`. */
function measure(op, file) {
  const script = `
    const imaging = require('@ingestkit/imaging');
    const sharp = require('sharp');
    imaging.configureSharp({ concurrency: 1 });
    const file = ${JSON.stringify(file)};
    const ops = {
      idle: async () => undefined,
      probe: () => imaging.probeImage(file, imaging.defaultImagingLimits),
      decode: () => sharp(file, { failOn: 'warning' }).raw().toBuffer(),
    };
    ops[${JSON.stringify(op)}]().then(() => {
      const usage = process.resourceUsage();
      process.stdout.write(JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS }));
    });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..') }).toString());
}

/** Prints the row as two table lines. */
function printHeicRow(row) {
  console.log('\n## HEIC decode (12 MP, 4032×3024, each in a fresh process, median of 3)\n');
  if (row.skipped) {
    console.log(`skipped: ${row.skipped}`);
    return;
  }
  console.log('| input | bytes | probeImage CPU | full decode CPU | decode peak RSS | above idle |');
  console.log('|---|--:|--:|--:|--:|--:|');
  for (const [label, r] of Object.entries(row)) {
    console.log(
      `| ${label} | ${r.bytes} | ${r.probeCpuMs} ms | ${r.decodeCpuMs} ms | ${r.decodePeakMiB} MiB | ${r.decodeAboveIdleMiB} MiB |`,
    );
  }
}

module.exports = { heicRow, printHeicRow };
