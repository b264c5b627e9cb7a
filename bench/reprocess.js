'use strict';
// bench:reprocess — a bulk reprocess must not slow new uploads down, and must survive crashes.
// Every part runs as its own process: redis-server on a free port, the upload gateway and two
// ingest workers from their production entries (`services/ingest-worker/dist/main.js`, their default concurrency: one image per core,
// images in their child-process pool), local staging and destination in a temp DATA_DIR.
//
//   1. 500 generated JPEGs (BENCH_REPROCESS_ASSETS) are uploaded into folder `library` under
//      policy `bench-old` (JPEG, 160 px variants) and wait for ready, their originals kept by the
//      workers (`ORIGINALS_STORE=local`, the default: DATA_DIR/originals).
//   2. Idle pipeline: a stream of 200 uploads (BENCH_REPROCESS_STREAM), one every 250 ms
//      (BENCH_REPROCESS_INTERVAL_MS), each's upload→ready latency measured.
//   3. `POST /v1/reprocess` of `library` to policy `bench-new` (WebP, 200 px variants), and the
//      same stream of uploads meanwhile (50 s, about half the run); a worker is SIGKILLed 10 s and
//      30 s into it and started again each time.
// Prints the p50/p95 upload→ready latency of the stream on the idle pipeline and during the run
// and their ratio (target: p95 ≤ 1.5×), the run's figures, and checks that every asset ended on
// the new policy exactly once (one `asset.ready` per delivery: the hash's notification counter is
// 2) with no old output left (the files under assets/library are exactly the new outputs').
// Exits 1 when a check fails or the run could not be measured.
//
// Choices: two workers, as any deployment that cares about a crash runs them (with one, a kill
// stops every upload until it is back, whatever the priority). WORKER_LOCK_MS=5000 and
// WORKER_STALLED_INTERVAL_MS=2000: the killed worker's jobs are taken over within ~7 s instead of
// the default ~60 s. Upload→ready is from the moment the client sends the request to the
// worker's `deliver` finish time (same machine, same clock).

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const sharp = require('sharp');
const { createRedisAssetRegistry } = require('@ingestkit/registry');
const { createRedis } = require('@ingestkit/runtime');
const { findFreePort, startRedisServer } = require('@ingestkit/testkit');
const { waitForIdle } = require('./lib/idle');
const { photo } = require('./lib/synthetic-images');

const ROOT = path.join(__dirname, '..');
const GATEWAY = path.join(ROOT, 'services/upload-gateway/dist/main.js');
const WORKER = path.join(ROOT, 'services/ingest-worker/dist/main.js');
const ASSETS = Number(process.env.BENCH_REPROCESS_ASSETS ?? 500);
const STREAM = Number(process.env.BENCH_REPROCESS_STREAM ?? 200);
const INTERVAL_MS = Number(process.env.BENCH_REPROCESS_INTERVAL_MS ?? 250);
const API_KEY = 'bench-reprocess-key';
const PREFIX = 'bench-reprocess';
const POLICIES = {
  policies: {
    'bench-old': { kind: 'delivery', format: 'jpeg', quality: 60, variantWidths: [160], placeholder: false },
    'bench-new': { kind: 'delivery', format: 'webp', quality: 60, variantWidths: [200], placeholder: false },
  },
};

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench:reprocess could not be measured: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);

async function main() {
  if (!fs.existsSync(WORKER)) throw new Error('the worker is not built: run npx turbo run build');
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ingestkit-bench-reprocess-'));
  const redisServer = await startRedisServer({ dir: dataDir });
  const redis = createRedis({ url: redisServer.url, role: 'producer' });
  const registry = createRedisAssetRegistry({ redis, prefix: PREFIX });
  const stack = await startStack(dataDir, redisServer.url);
  try {
    return await run({ dataDir, redis, registry, stack });
  } finally {
    await stack.stop();
    redis.disconnect();
    await redisServer.stop();
    if (process.env.BENCH_KEEP_DATA !== '1') await fsp.rm(dataDir, { recursive: true, force: true });
    else process.stdout.write(`data and logs kept in ${dataDir}\n`);
  }
}

async function run({ dataDir, redis, registry, stack }) {
  const images = await Promise.all(
    Array.from({ length: ASSETS + 2 * STREAM }, (_, i) =>
      photo(sharp, { width: 320, height: 240, seed: i + 1 })
        .jpeg({ quality: 92 })
        .toBuffer(),
    ),
  );
  const library = images.slice(0, ASSETS);
  const log = (line) => process.stdout.write(`${line}\n`);

  log(`1. ${ASSETS} assets into library under bench-old…`);
  const started = Date.now();
  const ids = await uploadAll(stack.url, library, { folder: 'library', policy: 'bench-old' }, 8);
  await waitAll(registry, ids, (asset) => asset.status === 'ready', 600_000);
  const unkept = [...(await waitAll(registry, ids, () => true, 1_000)).values()].filter((asset) => !asset.original?.retained);
  if (unkept.length > 0) throw new Error(`${unkept.length} assets ready without a kept original`);
  log(`   ready and originals kept in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const idleMachine = await waitForIdle({ waitMs: 30_000, threshold: 0.7 });
  log(`2. idle pipeline: ${STREAM} uploads, one every ${INTERVAL_MS} ms${idleMachine ? '' : ' (the machine was busy)'}…`);
  const idle = await stream(stack.url, registry, images.slice(ASSETS, ASSETS + STREAM), 'live-idle');

  log('3. bulk reprocess of library to bench-new, the same stream meanwhile, a worker SIGKILLed twice…');
  const runStarted = Date.now();
  const created = await call(stack.url, 'POST', '/v1/reprocess', { filter: { folder: 'library' }, policy: 'bench-new' });
  if (created.status !== 202) throw new Error(`POST /v1/reprocess answered ${created.status}: ${JSON.stringify(created.body)}`);
  const runId = created.body.run.id;
  const kills = [];
  const killer = [10_000, 30_000].map((at, n) =>
    setTimeout(() => {
      kills.push({ atMs: Date.now() - runStarted, worker: n % 2 });
      stack.killAndRestartWorker(n % 2);
    }, at),
  );
  const busy = await stream(stack.url, registry, images.slice(ASSETS + STREAM), 'live-busy');
  let final;
  for (const deadline = Date.now() + 900_000; ;) {
    final = (await call(stack.url, 'GET', `/v1/reprocess/${runId}`)).body.run;
    if (final.status !== 'running' || Date.now() > deadline) break;
    await sleep(500);
  }
  killer.forEach(clearTimeout);
  const runSeconds = (Date.now() - runStarted) / 1000;
  // The last completions (previous outputs removed) land just after the run counts them.
  await waitAll(registry, ids, (asset) => asset.reprocessing?.completedAt !== undefined || asset.status !== 'ready', 60_000);

  const checks = await check({ dataDir, redis, registry, ids, runId, final });
  const idleP = percentiles(idle.map((u) => u.latency));
  const busyP = percentiles(busy.map((u) => u.latency));
  // For reading the figure only: the uploads sent outside the 10 s after each kill (stall takeover and restart).
  const killTimes = kills.map((kill) => runStarted + kill.atMs);
  const calm = busy.filter((u) => !killTimes.some((t) => u.at >= t - 1_000 && u.at < t + 10_000));
  const calmP = percentiles(calm.map((u) => u.latency));
  const ratio = busyP.p95 / idleP.p95;
  log('');
  log(`upload→ready of ${STREAM} uploads, idle pipeline:    p50 ${ms(idleP.p50)}  p95 ${ms(idleP.p95)}  max ${ms(idleP.max)}`);
  log(`upload→ready of ${STREAM} uploads, during the run:  p50 ${ms(busyP.p50)}  p95 ${ms(busyP.p95)}  max ${ms(busyP.max)}`);
  log(`  of which the ${calm.length} sent outside the 10 s after each kill:  p50 ${ms(calmP.p50)}  p95 ${ms(calmP.p95)}`);
  log(`p95 ratio during / idle: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'})`);
  log(
    `run ${runId}: ${final.status}, total ${final.total}, done ${final.done}, failed ${final.failed}, ` +
      `remaining ${final.remaining}, ${runSeconds.toFixed(1)} s (${(final.done / runSeconds).toFixed(1)} assets/s); ` +
      `workers SIGKILLed at ${kills.map((kill) => `${(kill.atMs / 1000).toFixed(1)} s`).join(' and ')}`,
  );
  for (const [name, ok, detail] of checks) log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  return checks.every(([, ok]) => ok) ? 0 : 1;
}

/** The correctness checks: [name, ok, detail]. */
async function check({ dataDir, redis, registry, ids, runId, final }) {
  const assets = await Promise.all(ids.map((id) => registry.get(id)));
  const counters = await Promise.all(ids.map((id) => redis.hget(`${PREFIX}:asset:${id}`, 'notifySeq')));
  const wrongPolicy = assets.filter((asset) => asset.policy !== 'bench-new' || asset.output?.policy !== 'bench-new');
  const notOnce = counters.filter((seq) => seq !== '2');
  const notOurs = assets.filter((asset) => asset.reprocessing?.runId !== runId || !asset.reprocessing?.completedAt);
  const expected = new Set(
    assets.flatMap((asset) => [asset.output.key, ...(asset.output.variants ?? []).map((variant) => variant.key)]),
  );
  const files = (await listFiles(path.join(dataDir, 'assets', 'library'))).map((file) =>
    path.relative(dataDir, file).split(path.sep).join('/'),
  );
  const left = files.filter((key) => !expected.has(key));
  const missing = [...expected].filter((key) => !files.includes(key));
  return [
    ['the run counted every asset done', final.status === 'done' && final.done === ids.length && final.failed === 0, ''],
    ['every asset on bench-new', wrongPolicy.length === 0, `${wrongPolicy.length} not`],
    [
      'every asset processed exactly once by the run',
      notOnce.length === 0 && notOurs.length === 0,
      `${notOnce.length} with another number of deliveries, ${notOurs.length} not completed by this run`,
    ],
    [
      'no old output left',
      left.length === 0 && missing.length === 0,
      `${files.length} files under assets/library, ${expected.size} expected, ${left.length} left over, ${missing.length} missing`,
    ],
  ];
}

async function listFiles(dir) {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)])),
  );
  return nested.flat();
}

/** Uploads at a fixed pace into `folder`; each upload's latency from its request to its delivery. */
async function stream(url, registry, images, folder) {
  const sent = [];
  for (const image of images) {
    const at = Date.now();
    sent.push(upload(url, image, { folder, policy: 'bench-old' }).then((id) => ({ id, at })));
    await sleep(INTERVAL_MS);
  }
  const uploads = await Promise.all(sent);
  const ready = await waitAll(
    registry,
    uploads.map((u) => u.id),
    (asset) => asset.status === 'ready',
    600_000,
  );
  return uploads.map(({ id, at }) => ({ at, latency: Date.parse(ready.get(id).timings.deliver.finishedAt) - at }));
}

async function uploadAll(url, images, fields, concurrency) {
  const ids = new Array(images.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < images.length) {
        const index = next++;
        ids[index] = await upload(url, images[index], fields);
      }
    }),
  );
  return ids;
}

async function upload(url, image, fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${url}/v1/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${API_KEY}` } });
  const body = await res.json();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.asset.id;
}

/** Polls the registry until `done` holds for every id; the assets. */
async function waitAll(registry, ids, done, timeoutMs) {
  const found = new Map();
  const deadline = Date.now() + timeoutMs;
  let waiting = [...ids];
  while (waiting.length > 0) {
    const assets = await Promise.all(waiting.map((id) => registry.get(id)));
    assets.forEach((asset, i) => {
      if (asset && done(asset)) found.set(waiting[i], asset);
      if (asset && ['rejected', 'failed'].includes(asset.status))
        throw new Error(`asset ${asset.id} ${asset.status}: ${JSON.stringify(asset.error)}`);
    });
    waiting = waiting.filter((id) => !found.has(id));
    if (waiting.length > 0 && Date.now() > deadline) throw new Error(`${waiting.length} assets still not done`);
    if (waiting.length > 0) await sleep(100);
  }
  return found;
}

async function startStack(dataDir, redisUrl) {
  const gatewayPort = await findFreePort();
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: PREFIX,
    DATA_DIR: dataDir,
    STAGING_STORE: 'local',
    DEFAULT_DESTINATION: 'local',
    GATEWAY_PORT: String(gatewayPort),
    POLICIES_JSON: JSON.stringify(POLICIES),
  };
  const launch = (name, entry, env) => {
    const log = fs.openSync(path.join(dataDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, [entry], { env: { ...common, ...env }, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    return child;
  };
  const gateway = launch('gateway', GATEWAY, {
    API_KEYS: API_KEY,
    GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
    BACKPRESSURE_MAX_BACKLOG: '0',
    WORKER_METRICS_PORT: String(await findFreePort()),
    REPROCESS_TICK_MS: '200',
    ...(process.env.BENCH_REPROCESS_IN_FLIGHT ? { REPROCESS_MAX_IN_FLIGHT: process.env.BENCH_REPROCESS_IN_FLIGHT } : {}),
  });
  const workerPorts = [await findFreePort(), await findFreePort()];
  const startWorker = (n) =>
    launch(`worker-${n}`, WORKER, {
      WORKER_METRICS_PORT: String(workerPorts[n]),
      WORKER_LOCK_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '2000',
    });
  const workers = [startWorker(0), startWorker(1)];
  const url = `http://127.0.0.1:${gatewayPort}`;
  await Promise.all([
    waitReady(url, gateway),
    ...workers.map((worker, n) => waitReady(`http://127.0.0.1:${workerPorts[n]}`, worker)),
  ]);
  return {
    url,
    killAndRestartWorker(n) {
      workers[n].kill('SIGKILL');
      workers[n] = startWorker(n);
    },
    async stop() {
      await Promise.all([gateway, ...workers].map(stopChild));
    },
  };
}

async function waitReady(url, child) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`a service exited with code ${child.exitCode} (BENCH_KEEP_DATA=1 keeps its log)`);
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within 30 s`);
    await sleep(100);
  }
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function call(url, method, pathname, body) {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const ms = (value) => `${Math.round(value)} ms`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
