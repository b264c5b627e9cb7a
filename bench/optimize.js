'use strict';
// The optimization engine on a corpus of real photos (Debian's mate-backgrounds) and generated
// images, in one run:
//   (a) images/s of the optimize stage through the real pipeline — BullMQ queue on Redis,
//       local stores, the asset registry and the ingest worker's own optimize processor, with
//       images in the worker process and in the isolating child-process pool (the default) —
//       and of a plain loop doing identical work (the same @ingestkit/imaging calls and output
//       writes, no queue, registry or store), at the same concurrency; their ratio (goal ≥ 0.9);
//       a bare-sharp line (one fixed-quality WebP encode per image, nothing else) for scale;
//   (b) total and median output/input bytes and (c) luma SSIM of outputs against their sources
//       at the output size, median and worst, side by side for quality `auto`, 50 and 75,
//       for photos (the real JPEGs) and for the whole corpus; and the CPU time of `auto`
//       against fixed 75 (goal ≤ 1.5×: the search must stay cheap);
//   (d) the CPU per photo of the default policy (validation and every optimize step) before
//       issue 19 (bench/optimize/baseline.js, that pipeline frozen) and now, as a multiple of
//       one bare encode of the same photo (goal ≤ 2×), with the bytes and SSIM of every output
//       before and now beside it (goals: ≤ 5 % more bytes, worst SSIM no lower);
//   (e) one photo's upload→ready latency on an idle pipeline (gateway, worker and Redis
//       processes) against its pure processing time (goal: at most 20 % more).
//   (f) HEIC: decode CPU and peak memory of a 12 MP HEIC next to a JPEG of the same pixels.
//
//   npx turbo run build && npm run bench:optimize
//
// Env: REDIS_URL (redis://127.0.0.1:6379), BENCH_RUNS (2 throughput runs per side, interleaved),
// BENCH_CPU_ROUNDS (2 rounds per photo in (d), the cheapest kept), BENCH_LATENCY_RUNS (3, median).
// Photos come from `apt-get download mate-backgrounds` into bench/.cache (never committed); without
// apt the corpus is the generated images only, with a warning. The JSON report goes to
// bench/.cache/optimize-report.json. Exits 0 whether or not the goals are met.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { mateBackgrounds } = require('./lib/mate-backgrounds');
const { heicRow, printHeicRow } = require('./lib/heic-row');
const { graphic: syntheticGraphic, photo } = require('./lib/synthetic-images');
const { measureCpu } = require('./optimize/cpu');
const { measureLatency } = require('./optimize/latency');
const { printCpu } = require('./optimize/cpu-report');

const CACHE = path.join(__dirname, '.cache');
const REPORT = path.join(CACHE, 'optimize-report.json');
const GOALS = {
  ratio: 0.9,
  medianBytes: 0.5,
  medianSsim: 0.95,
  worstSsim: 0.9,
  autoCpu: 1.5,
  bareEncodes: 2,
  moreBytes: 0.05,
  latencyOverhead: 0.2,
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

async function main() {
  assertBuilt();
  const sharp = require('sharp');
  const imaging = require('@ingestkit/imaging');
  const cores = os.availableParallelism();
  const throughput = imaging.throughputFor(cores);
  imaging.configureSharp({ concurrency: throughput.sharpConcurrency, cacheMemoryMb: throughput.cacheMemoryMb });
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  const corpus = await buildCorpus(sharp);
  const cpus = os.cpus();
  console.log('# optimize bench\n');
  console.log(`node ${process.version}, ${cores} cores (${cpus[0]?.model.trim() ?? '?'}), load average ${loadAverage()}`);
  console.log(
    `corpus: ${corpus.length} images (${corpus.filter((item) => item.photo).length} real photos), ` +
      `${mib(corpus.reduce((sum, item) => sum + item.bytes, 0))} MiB; ` +
      `concurrency ${throughput.workerConcurrency} images × ${throughput.sharpConcurrency} libvips thread(s)\n`,
  );

  // (a) throughput
  const direct = [];
  const pipeline = [];
  const isolated = [];
  await runDirect(imaging, corpus.slice(0, 2), throughput.workerConcurrency); // warm-up
  for (let run = 0; run < runs; run++) {
    direct.push(await runDirect(imaging, corpus, throughput.workerConcurrency));
    pipeline.push(await runPipeline(imaging, corpus, throughput, redisUrl, false));
    isolated.push(await runPipeline(imaging, corpus, throughput, redisUrl, true));
  }
  const bare = await runBareSharp(sharp, corpus, throughput.workerConcurrency);
  const best = (list) => Math.max(...list);
  const ratio = best(pipeline) / best(direct);
  const isolatedRatio = best(isolated) / best(direct);
  const runsOf = (list) => list.map(fmt).join(', ');
  console.log('## (a) throughput, default policy (auto format and quality, variants, placeholder)\n');
  console.log(
    `pipeline, images in the worker process (IMAGE_ISOLATION=none): ${fmt(best(pipeline))} images/s  runs ${runsOf(pipeline)}`,
  );
  console.log(
    `pipeline, images in the child-process pool (the default):     ${fmt(best(isolated))} images/s  runs ${runsOf(isolated)}`,
  );
  console.log(
    `identical work without the pipeline:                           ${fmt(best(direct))} images/s  runs ${runsOf(direct)}`,
  );
  console.log(
    `ratio pipeline / identical work: ${ratio.toFixed(3)} in process, ${isolatedRatio.toFixed(3)} isolated (goal ≥ ${GOALS.ratio})`,
  );
  console.log(
    `for scale, bare sharp doing one fixed q75 WebP per image (no search, variants, placeholder): ${fmt(bare)} images/s\n`,
  );

  // (b) + (c) quality and size, main output only, per mode
  const modes = [
    { label: 'auto', overrides: {} },
    { label: 'q50', overrides: { quality: 50 } },
    { label: 'q75', overrides: { quality: 75 } },
  ];
  const registry = imaging.createPolicyRegistry({
    'bench-main': { kind: 'delivery', variantWidths: [], placeholder: false },
  });
  const results = {};
  for (const mode of modes) {
    const policy = registry.resolve({ name: 'bench-main', destination: 'local', overrides: mode.overrides });
    results[mode.label] = await measureQuality(sharp, imaging, corpus, policy);
  }
  console.log('## (b) bytes and (c) luma SSIM at the output size, main output (2000×2000 box)\n');
  console.log('| set | mode | total out/in | median out/in | median SSIM | worst SSIM (image) | CPU s |');
  console.log('|---|---|---:|---:|---:|---|---:|');
  const summaries = {};
  for (const set of ['photos', 'all']) {
    for (const mode of modes) {
      const items = results[mode.label].items.filter((item) => set === 'all' || item.photo);
      const summary = summarise(items);
      summaries[`${set}:${mode.label}`] = { ...summary, cpuSeconds: results[mode.label].cpuSeconds };
      console.log(
        `| ${set} | ${mode.label} | ${summary.totalRatio.toFixed(3)} | ${summary.medianRatio.toFixed(3)} | ` +
          `${summary.medianSsim.toFixed(4)} | ${summary.worstSsim.toFixed(4)} (${summary.worstName}) | ${results[mode.label].cpuSeconds.toFixed(1)} |`,
      );
    }
  }
  const photosAuto = summaries['photos:auto'];
  const photosQ75 = summaries['photos:q75'];
  const cpuRatio = results.auto.cpuSeconds / results.q75.cpuSeconds;
  console.log('\n## goals (photos, default policy = auto)\n');
  check(`median output/input ≤ ${GOALS.medianBytes}`, photosAuto.medianRatio, photosAuto.medianRatio <= GOALS.medianBytes);
  check(`median SSIM ≥ ${GOALS.medianSsim}`, photosAuto.medianSsim, photosAuto.medianSsim >= GOALS.medianSsim);
  check(`worst SSIM ≥ ${GOALS.worstSsim}`, photosAuto.worstSsim, photosAuto.worstSsim >= GOALS.worstSsim);
  check(
    'auto smaller in total than q75, or better worst SSIM',
    `${photosAuto.totalRatio.toFixed(3)} vs ${photosQ75.totalRatio.toFixed(3)} bytes; ${photosAuto.worstSsim.toFixed(4)} vs ${photosQ75.worstSsim.toFixed(4)} worst SSIM`,
    photosAuto.totalRatio < photosQ75.totalRatio || photosAuto.worstSsim > photosQ75.worstSsim,
  );
  check(`CPU of auto ≤ ${GOALS.autoCpu}× CPU of fixed q75`, cpuRatio.toFixed(2), cpuRatio <= GOALS.autoCpu);
  check(`pipeline ≥ ${GOALS.ratio}× identical work without it (images in process)`, ratio.toFixed(3), ratio >= GOALS.ratio);
  check(
    `pipeline ≥ ${GOALS.ratio}× identical work without it (isolated, the default)`,
    isolatedRatio.toFixed(3),
    isolatedRatio >= GOALS.ratio,
  );

  // (d) CPU per photo before and after issue 19, against one bare encode
  const photos = corpus.filter((item) => item.photo);
  let cpu;
  let latency;
  if (photos.length > 0) {
    cpu = await measureCpu(sharp, imaging, photos, Number(process.env.BENCH_CPU_ROUNDS ?? 2));
    printCpu(cpu, GOALS, check);

    // (e) one photo, idle pipeline against the same work without it
    const bySize = [...photos].sort((a, b) => a.bytes - b.bytes);
    const sample = bySize[bySize.length >> 1];
    latency = await measureLatency(imaging, sample, Number(process.env.BENCH_LATENCY_RUNS ?? 3));
    const pipelineMs = median(latency.pipelineMs);
    const processingMs = median(latency.processingMs);
    const overhead = pipelineMs / processingMs - 1;
    console.log(`\n## (e) one photo (${sample.name}, ${mib(sample.bytes)} MiB) on an idle pipeline\n`);
    console.log(`upload→ready through gateway, queues and worker: ${pipelineMs} ms (runs ${latency.pipelineMs.join(', ')})`);
    console.log(`the same steps without queues (one image child):  ${processingMs} ms (runs ${latency.processingMs.join(', ')})`);
    const part = (key) => median(latency.parts.map((parts) => parts[key]));
    console.log(
      `  of which (medians): upload answered ${part('uploadMs')} ms, validate ${part('validateMs')} ms, ` +
        `optimize ${part('optimizeMs')} ms, deliver ${part('deliverMs')} ms, ` +
        `queue hops, registry writes and the notification ${part('restMs')} ms`,
    );
    if (!latency.idle) console.log('(the machine was not idle before every run: other processes share the cores)');
    check(
      `upload→ready ≤ ${1 + GOALS.latencyOverhead}× pure processing`,
      `${(1 + overhead).toFixed(2)}× (+${Math.round(pipelineMs - processingMs)} ms)`,
      overhead <= GOALS.latencyOverhead,
    );
  } else {
    console.log('\n(d) and (e) need the real photos: skipped');
  }
  console.log(`\nload average at the end: ${loadAverage()}`);

  // (f) HEIC against a JPEG of the same pixels
  const heic = await heicRow(sharp, CACHE, photo);
  printHeicRow(heic);

  const report = {
    date: new Date().toISOString(),
    machine: { node: process.version, cores, cpu: cpus[0]?.model.trim(), loadAverage: os.loadavg() },
    corpus: corpus.map(({ name, bytes, photo }) => ({ name, bytes, photo })),
    throughput: { pipeline, isolated, direct, bareSharpFixedQ75: bare, ratio, isolatedRatio, concurrency: throughput },
    quality: Object.fromEntries(Object.entries(results).map(([label, result]) => [label, result])),
    summaries,
    autoCpuRatio: cpuRatio,
    cpuPerPhoto: cpu,
    latency,
    heic,
  };
  await fsp.writeFile(REPORT, JSON.stringify(report, null, 2));
  console.log(`\nreport: ${path.relative(process.cwd(), REPORT)}`);
}

// ---------------------------------------------------------------------------------- corpus

/** Real photos and wallpapers from mate-backgrounds (if apt can fetch them), plus generated images. */
async function buildCorpus(sharp) {
  const dir = path.join(CACHE, 'corpus');
  await fsp.mkdir(dir, { recursive: true });
  const items = [];
  for (const file of mateBackgrounds()) {
    items.push({ name: path.basename(file), file, bytes: fs.statSync(file).size, photo: file.endsWith('.jpg') });
  }
  for (const [name, make] of generated(sharp)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) await fsp.writeFile(file, await make());
    items.push({ name, file, bytes: fs.statSync(file).size, photo: false });
  }
  return items;
}

/** Photo-like, graphic, alpha, animated, wide-gamut and rotated images, seeded and cached. */
function generated(sharp) {
  const photoPixels = (width, height, seed, grain, pageHeight) => photo(sharp, { width, height, seed, grain, pageHeight });
  const graphic = (width, height, alpha) => syntheticGraphic(sharp, width, height, alpha);
  const list = [];
  for (let seed = 1; seed <= 6; seed++) {
    list.push([
      `photo-${seed}.jpg`,
      () =>
        photoPixels(2400 + seed * 200, 1600 + seed * 100, seed, 0.08 * seed)
          .jpeg({ quality: 92 })
          .toBuffer(),
    ]);
  }
  list.push([
    'camera-rotated.jpg',
    () => photoPixels(3000, 2000, 7, 0.1).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer(),
  ]);
  list.push(['wide-gamut-p3.jpg', () => photoPixels(2000, 1500, 8, 0.1).withIccProfile('p3').jpeg({ quality: 92 }).toBuffer()]);
  list.push(['photo.png', () => photoPixels(1200, 800, 9, 0.05).png().toBuffer()]);
  list.push(['graphic.png', () => graphic(1600, 1000, false).png().toBuffer()]);
  list.push(['graphic-alpha.png', () => graphic(800, 600, true).png().toBuffer()]);
  list.push(['diagram.tiff', () => graphic(1000, 800, false).tiff({ compression: 'lzw' }).toBuffer()]);
  list.push([
    'animation.gif',
    () =>
      photoPixels(200, 150 * 8, 10, 0.05, 150)
        .gif({ loop: 0, delay: Array(8).fill(80) })
        .toBuffer(),
  ]);
  return list;
}

// ---------------------------------------------------------------------------------- throughput

/** The optimize stage's work without the pipeline: inspect, optimize, write every output. */
async function runDirect(imaging, corpus, concurrency) {
  const registry = imaging.createPolicyRegistry();
  const policy = registry.resolve({ name: 'default', destination: 'local' });
  const out = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-direct-'));
  try {
    const started = performance.now();
    await pool(corpus, concurrency, async (item, index) => {
      const info = await imaging.inspectImage(item.file, imaging.defaultImagingLimits);
      const result = await imaging.optimizeImage(item.file, info, policy, imaging.defaultImagingLimits);
      await fsp.writeFile(path.join(out, `${index}.${result.format}`), result.data);
      for (const variant of result.variants)
        await fsp.writeFile(path.join(out, `${index}-${variant.width}.${variant.format}`), variant.data);
    });
    return corpus.length / ((performance.now() - started) / 1000);
  } finally {
    await fsp.rm(out, { recursive: true, force: true });
  }
}

/** The ingest worker's optimize processor on a BullMQ worker, fed through Redis and the local stores. */
async function runPipeline(imaging, corpus, throughput, redisUrl, isolate) {
  const concurrency = throughput.workerConcurrency;
  const {
    createStageWorker,
    createQueue,
    createRedis,
    createLogger,
    createJobMetrics,
    createMetricsRegistry,
    enqueueStage,
  } = require('@ingestkit/runtime');
  const { createRedisAssetRegistry } = require('@ingestkit/registry');
  const { createLocalStore } = require('@ingestkit/storage');
  const { ingestPipeline } = require('@ingestkit/ingest-worker');
  const { newAssetId, queueNames, stagingKeys } = require('@ingestkit/contracts');

  const prefix = `bench-opt-${process.pid}-${Date.now()}`;
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-pipeline-'));
  const redis = createRedis({ url: redisUrl, role: 'producer' });
  const workerRedis = createRedis({ url: redisUrl, role: 'worker' });
  const staging = createLocalStore({ root: dataDir });
  const registry = createRedisAssetRegistry({ redis, prefix });
  const queues = {
    optimize: createQueue(queueNames.optimize, { connection: redis, prefix }),
    deliver: createQueue(queueNames.deliver, { connection: redis, prefix }),
  };
  const images = isolate
    ? imaging.createImagePool({
        size: concurrency,
        maxMemoryMb: 2048,
        timeoutMs: 120_000,
        sharpConcurrency: throughput.sharpConcurrency,
      })
    : imaging.inProcessRunner;
  const deps = {
    registry,
    staging,
    limits: imaging.defaultImagingLimits,
    policies: imaging.createPolicyRegistry(),
    images,
    queues,
    destinations: {},
  };
  const optimize = ingestPipeline(deps).find((processor) => processor.queue === queueNames.optimize);
  try {
    // Stage every original as validation would have left it (not timed).
    const ids = [];
    for (const item of corpus) {
      const id = newAssetId();
      const key = stagingKeys.original(id);
      await staging.put({ key, body: fs.createReadStream(item.file) });
      const now = new Date().toISOString();
      await registry.create({
        id,
        status: 'validating',
        destination: 'local',
        policy: 'default',
        fileName: item.name,
        tags: [],
        metadata: {},
        original: { key, bytes: item.bytes, sha256: '0'.repeat(64) },
        timings: {},
        createdAt: now,
        updatedAt: now,
      });
      ids.push(id);
    }
    const worker = createStageWorker(optimize, {
      connection: workerRedis,
      prefix,
      concurrency,
      logger: createLogger({ name: 'bench', level: 'silent' }),
      metrics: createJobMetrics(createMetricsRegistry({ service: 'bench', defaultMetrics: false })),
    });
    let done = 0;
    let failed = 0;
    const finished = new Promise((resolve) => {
      const settle = () => done + failed === ids.length && resolve();
      worker.on('completed', () => {
        done++;
        settle();
      });
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade < (job.opts.attempts ?? 1)) return;
        failed++;
        console.warn(`pipeline job failed: ${err.message}`);
        settle();
      });
    });
    const started = performance.now();
    for (const id of ids) await enqueueStage(queues.optimize, { version: 1, assetId: id });
    void worker.run();
    await finished;
    const elapsed = (performance.now() - started) / 1000;
    await worker.close();
    if (failed > 0) throw new Error(`${failed} pipeline jobs failed`);
    return ids.length / elapsed;
  } finally {
    await images.close();
    await Promise.all(Object.values(queues).map((queue) => queue.close()));
    await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
    workerRedis.disconnect();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

/** For scale only: sharp fit to 2000×2000 and one WebP q75 encode per image. */
async function runBareSharp(sharp, corpus, concurrency) {
  const started = performance.now();
  await pool(corpus, concurrency, async (item) => {
    await sharp(item.file)
      .rotate()
      .resize({ width: 2000, height: 2000, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  });
  return corpus.length / ((performance.now() - started) / 1000);
}

async function pool(items, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

async function deleteKeys(redis, pattern) {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
}

// ---------------------------------------------------------------------------------- quality

/** Main output only, one image at a time: bytes, SSIM against the source at the output size, CPU time. */
async function measureQuality(sharp, imaging, corpus, policy) {
  const items = [];
  let cpuSeconds = 0;
  for (const item of corpus) {
    const cpu = process.cpuUsage();
    const info = await imaging.inspectImage(item.file, imaging.defaultImagingLimits);
    const out = await imaging.optimizeImage(item.file, info, policy, imaging.defaultImagingLimits);
    const used = process.cpuUsage(cpu);
    cpuSeconds += (used.user + used.system) / 1e6;
    const reference = await luma(
      sharp(item.file).rotate().resize({ width: out.width, height: out.height, fit: 'fill' }).toColourspace('srgb'),
    );
    const score = imaging.ssim(reference, await luma(sharp(out.data)));
    items.push({
      name: item.name,
      photo: item.photo,
      inBytes: item.bytes,
      outBytes: out.bytes,
      format: out.format,
      quality: out.quality,
      ssim: score,
    });
  }
  return { cpuSeconds, items };
}

async function luma(image) {
  const { data, info } = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function summarise(items) {
  const ratios = items.map((item) => item.outBytes / item.inBytes);
  const worst = items.reduce((a, b) => (b.ssim < a.ssim ? b : a));
  return {
    count: items.length,
    totalRatio: items.reduce((sum, item) => sum + item.outBytes, 0) / items.reduce((sum, item) => sum + item.inBytes, 0),
    medianRatio: median(ratios),
    medianSsim: median(items.map((item) => item.ssim)),
    worstSsim: worst.ssim,
    worstName: worst.name,
  };
}

// ---------------------------------------------------------------------------------- helpers

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function check(label, value, ok) {
  console.log(`${ok ? 'MET    ' : 'NOT MET'}  ${label}: ${value}`);
}

function fmt(value) {
  return value.toFixed(2);
}

function mib(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

function loadAverage() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function assertBuilt() {
  for (const name of [
    '@ingestkit/imaging',
    '@ingestkit/ingest-worker',
    '@ingestkit/runtime',
    '@ingestkit/registry',
    '@ingestkit/storage',
  ]) {
    try {
      require.resolve(name);
    } catch {
      throw new Error(`${name} is not built: run \`npx turbo run build\` first`);
    }
  }
}
