'use strict';
// Load test of the gateway and the pipeline on this machine: N concurrent clients upload a mix
// of real photos (Debian's mate-backgrounds) and generated JPEG/PNG/WebP images through
// multipart `POST /v1/uploads` for a fixed time; then the run drains until every accepted
// asset is ready, rejected or failed. Every part runs as its own process, as in production:
// redis-server on a free port, `services/upload-gateway/dist/main.js` and
// `services/ingest-worker/dist/main.js` (images in its child-process pool), local staging and
// destination in a temp DATA_DIR. Ready times come from the worker's signed notifications to a
// sink in this process (NOTIFY_URL), not from polling.
//
//   npm run bench:load                     # 16 clients, 60 s, then drain
//   npm run bench:load -- --soak           # 10 minutes of sustained load: RSS at start and end
//
// Env: BENCH_CLIENTS (16), BENCH_SECONDS (60), BENCH_SOAK_MINUTES (soak mode; 10 with --soak),
//      BENCH_MAX_BACKLOG (100: the gateway's BACKPRESSURE_MAX_BACKLOG; 0 turns it off),
//      BENCH_RETRY_CAP_MS (1000: clients honour Retry-After up to this), BENCH_WORKER_CONCURRENCY
//      (unset: the worker's default, one image per core), BENCH_DRAIN_TIMEOUT_S (900),
//      BENCH_KEEP_DATA (1: keep the temp DATA_DIR with the service logs). Linux only (/proc).
//
// Prints accepted uploads/s, acceptance and upload→ready latency percentiles, refusals and
// outcomes by code, peak RSS and CPU per process and the queue depth's maximum; writes
// everything with the 1-second time series to bench/results/load-<timestamp>.json and the queue
// depth plot to load-<timestamp>.svg (soak: also -rss.svg). Exits 0 when the run was measured
// (whatever the figures), 1 when it could not be (a service did not start or died, nothing was
// accepted).
//
// Choices:
// - Backpressure on (100) by default: two cores optimize about 1.5–2 images/s while the gateway
//   accepts 80–120 uploads/s, so without a bound a 60 s run leaves a backlog that takes many
//   times the run to drain. With it, the run shows the gateway's burst, then admission held at
//   the pipeline's pace, and a drain of about a minute.
// - undici with one loop per client rather than autocannon. autocannon can cycle a list of
//   pre-built requests and report each response to `onResponse`, but every connection walks
//   the same list with the same headers (one API key for all), its latency histogram mixes
//   202s with refusals, and it does not honour Retry-After: once backpressure trips, each
//   connection would resend a multi-MB body every ~10 ms, measuring how fast the gateway
//   discards refused bodies rather than the pipeline.
// - Memory: VmHWM of the gateway, the worker process and Redis; the worker's image children
//   separately (the largest child's VmHWM, and the highest 1-second sample of worker + children
//   RSS, which is what a container limit sees) — summing peaks that did not coincide would
//   overstate it.

const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { runLoad } = require('./load/clients');
const { loadCorpus } = require('./load/corpus');
const { computeFigures } = require('./load/figures');
const { startNotifySink } = require('./load/notify-sink');
const { waitForIdle } = require('./lib/idle');
const { printReport, writeResults } = require('./load/report');
const { startSampler } = require('./load/sampler');
const { startStack, summariseLog } = require('./load/stack');

const DRAIN_CHECK_MS = 200;

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `bench:load could not be measured: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);

async function main() {
  const settings = readSettings();
  const sharp = require('sharp');
  const corpus = await loadCorpus(sharp);
  if (corpus.length === 0) throw new Error('no images to upload');
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ingestkit-bench-load-'));
  const apiKeys = Array.from({ length: settings.clients }, (_, i) => `bench-load-key-${i}`);
  const sink = await startNotifySink();
  let stack;
  try {
    stack = await startStack({
      dataDir,
      apiKeys,
      maxBacklog: settings.maxBacklog,
      notifyUrl: sink.url,
      notifySecret: sink.secret,
      workerConcurrency: settings.workerConcurrency,
    });
    return await measure({ settings, corpus, stack, sink, apiKeys });
  } finally {
    await stack?.stop();
    await sink.close();
    if (settings.keepData) process.stdout.write(`kept ${dataDir} (service logs, Redis AOF, stores)\n`);
    else await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

async function measure({ settings, corpus, stack, sink, apiKeys }) {
  const cpus = os.cpus();
  const machine = {
    summary: `node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    idleAtStart: await waitForIdle(),
    loadAverageStart: loadAverage(),
  };
  process.stdout.write(
    `# load bench: ${settings.clients} clients for ${settings.seconds} s (gateway ${stack.gatewayUrl}, ${corpus.length} images)\n`,
  );
  const startedAt = Date.now();
  const sampler = startSampler({ redisUrl: stack.redisUrl, prefix: stack.prefix, pids: stack.pids, origin: startedAt });
  const progress = setInterval(
    () => process.stdout.write(`  ${Math.round((Date.now() - startedAt) / 1000)} s: ${sink.terminal.size} terminal\n`),
    30_000,
  );
  try {
    const load = await runLoad({
      url: stack.gatewayUrl,
      apiKeys,
      corpus,
      deadline: startedAt + settings.seconds * 1000,
      retryCapMs: settings.retryCapMs,
    });
    const loadEnded = Date.now();
    process.stdout.write(`  load done: ${load.accepted.length} accepted, ${load.refused.length} refused; draining…\n`);
    const timedOut = !(await waitForDrain(load.accepted, sink, stack, settings.drainTimeoutS));
    await sampler.sample();
    const peaks = sampler.peaks();
    const notTerminal = load.accepted.filter((a) => !sink.terminal.has(a.assetId));
    const run = {
      startedAt,
      machine: { ...machine, loadAverageEnd: loadAverage() },
      settings,
      corpus,
      load: { ...load, startedAt, endedAt: loadEnded },
      drain: {
        terminal: sink.terminal,
        timedOut,
        counts: sink.counts,
        notTerminalStatuses: await statusesOf(notTerminal, stack.gatewayUrl, apiKeys[0]),
      },
      series: sampler.series,
      peaks,
      exits: stack.exits,
      logs: { gateway: summariseLog(stack.logFile('gateway')), worker: summariseLog(stack.logFile('worker')) },
    };
    const figures = computeFigures(run);
    printReport(run, figures, writeResults(run, figures));
    if (stack.exits.length > 0) return 1;
    return load.accepted.length > 0 ? 0 : 1;
  } finally {
    clearInterval(progress);
    await sampler.stop();
  }
}

/** Resolves true once every accepted asset has a terminal notification; false on timeout or a dead service. */
async function waitForDrain(accepted, sink, stack, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  while (accepted.some((a) => !sink.terminal.has(a.assetId))) {
    if (Date.now() > deadline || stack.exits.length > 0) return false;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
  }
  return true;
}

/** Registry statuses of the assets that never reported a terminal status, counted. */
async function statusesOf(assets, gatewayUrl, apiKey) {
  const counts = {};
  for (const { assetId } of assets) {
    const status = await fetch(`${gatewayUrl}/v1/assets/${assetId}`, { headers: { authorization: `Bearer ${apiKey}` } })
      .then((res) => res.json())
      .then((body) => body.asset?.status ?? `error ${body.error?.code}`)
      .catch(() => 'unreachable');
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

function readSettings() {
  const soak = process.argv.includes('--soak') || Boolean(process.env.BENCH_SOAK_MINUTES);
  const soakMinutes = soak ? positiveInt('BENCH_SOAK_MINUTES', 10) : undefined;
  return {
    clients: positiveInt('BENCH_CLIENTS', 16),
    seconds: soakMinutes ? soakMinutes * 60 : positiveInt('BENCH_SECONDS', 60),
    soakMinutes,
    maxBacklog: nonNegativeInt('BENCH_MAX_BACKLOG', 100),
    retryCapMs: nonNegativeInt('BENCH_RETRY_CAP_MS', 1000),
    workerConcurrency: process.env.BENCH_WORKER_CONCURRENCY ? positiveInt('BENCH_WORKER_CONCURRENCY', 2) : undefined,
    drainTimeoutS: positiveInt('BENCH_DRAIN_TIMEOUT_S', 900),
    keepData: process.env.BENCH_KEEP_DATA === '1',
  };
}

function positiveInt(key, fallback) {
  const n = nonNegativeInt(key, fallback);
  if (n < 1) throw new Error(`${key} must be at least 1`);
  return n;
}

function nonNegativeInt(key, fallback) {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key}: expected a whole number, got "${raw}"`);
  return n;
}

function loadAverage() {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}
