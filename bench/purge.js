'use strict';
// CDN purge calls made by the purge service against the naive one-call-per-URL approach: 10,000
// invalidations across 2,000 files in 10 folders (so with many duplicates), sent in calls of 100
// URLs as backend apps do with POST /v1/purge, through the real queue, purge service and
// ImageKit emulator (whose purges take PURGE_COMPLETES_MS to reach `Completed`).
//
//   npx turbo run build && npm run bench:purge
//
// Env: BENCH_INVALIDATIONS (10000), BENCH_FILES (2000), BENCH_FOLDERS (10), BENCH_COMPLETES_MS (2000),
//      REDIS_URL (redis://127.0.0.1:6379). Prints the figures and writes bench/.cache/purge-report.json.
//      Exits 0 whether or not the target is met; 1 only when the run could not finish.

const fs = require('node:fs');
const path = require('node:path');
const { queueNames } = require('@ingestkit/contracts');
const { startEmulator } = require('@ingestkit/imagekit-emulator');
const { createRedisPurgeStore, requestPurge } = require('@ingestkit/purge');
const { loadPurgeServiceConfig, startPurgeService } = require('@ingestkit/purge-service');
const { createLogger, createQueue, createRedis, waitForRedis } = require('@ingestkit/runtime');

const INVALIDATIONS = Number(process.env.BENCH_INVALIDATIONS ?? 10_000);
const FILES = Number(process.env.BENCH_FILES ?? 2_000);
const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 10);
const COMPLETES_MS = Number(process.env.BENCH_COMPLETES_MS ?? 2_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const URLS_PER_CALL = 100;
const TARGET_RATIO = 100;
const DRAIN_TIMEOUT_MS = 300_000;
// Development keys for the emulator only.
const KEYS = { privateKey: 'private_bench_purge', publicKey: 'public_bench_purge' };

/** mulberry32, so every run purges the same sequence of URLs. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const logger = createLogger({ name: 'bench-purge', level: 'warn' });
  const redis = createRedis({ url: REDIS_URL, role: 'worker', logger });
  if (!(await waitForRedis(redis, 5_000))) throw new Error(`Redis is not reachable at ${REDIS_URL} (start one: redis-server)`);
  const prefix = `bench-purge-${process.pid}-${Date.now()}`;
  const emulator = await startEmulator({ ...KEYS, port: 0, purgeCompletesAfterMs: COMPLETES_MS, purgeQuota: 1_000_000 });
  const config = loadPurgeServiceConfig({
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    PURGE_METRICS_PORT: '0',
    PURGE_POLL_MS: '500',
    IMAGEKIT_PRIVATE_KEY: KEYS.privateKey,
    IMAGEKIT_PUBLIC_KEY: KEYS.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
  });
  const service = await startPurgeService(config, createLogger({ name: 'purge-service', level: 'warn' }));
  const queue = createQueue(queueNames.purge, { connection: redis, prefix });
  const store = createRedisPurgeStore({ redis, prefix });

  const next = random(42);
  const urls = Array.from({ length: INVALIDATIONS }, () => {
    const file = Math.floor(next() * FILES);
    return `${emulator.urlEndpoint}/catalog/folder-${file % FOLDERS}/image-${file}.jpg`;
  });
  const distinct = new Set(urls).size;

  const started = Date.now();
  const ids = [];
  for (let offset = 0; offset < urls.length; offset += URLS_PER_CALL) {
    // What POST /v1/purge does with one call's URLs: dedupe, record, queue.
    const call = [...new Set(urls.slice(offset, offset + URLS_PER_CALL))];
    ids.push((await requestPurge({ store, queue }, { urls: call, reason: 'api' })).id);
  }
  const submittedMs = Date.now() - started;

  let pending = new Set(ids);
  while (pending.size > 0) {
    if (Date.now() - started > DRAIN_TIMEOUT_MS)
      throw new Error(`${pending.size} purges not completed after ${DRAIN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const states = await Promise.all([...pending].map(async (id) => [id, (await store.get(id))?.status]));
    pending = new Set(states.filter(([, status]) => status !== 'completed').map(([id]) => id));
  }
  const drainMs = Date.now() - started;

  const calls = emulator.purges();
  const wildcards = calls.filter((call) => call.isWildcard).length;
  const covered = urls.every((url) =>
    calls.some((call) => (call.isWildcard ? url.startsWith(call.url.slice(0, -1)) : call.url === url)),
  );
  const report = {
    invalidations: INVALIDATIONS,
    distinctUrls: distinct,
    files: FILES,
    folders: FOLDERS,
    purgeCompletesAfterMs: COMPLETES_MS,
    naiveCalls: INVALIDATIONS,
    apiCalls: calls.length,
    wildcards,
    ratio: Number((INVALIDATIONS / Math.max(1, calls.length)).toFixed(1)),
    everyUrlCovered: covered,
    submitSeconds: submittedMs / 1000,
    drainSeconds: drainMs / 1000,
    node: process.version,
    at: new Date().toISOString(),
  };
  const lines = [
    '',
    `purge bench: ${INVALIDATIONS} invalidations of ${distinct} distinct URLs (${FILES} files in ${FOLDERS} folders), ${URLS_PER_CALL} URLs per call`,
    `  naive (one purge per URL)   ${INVALIDATIONS} calls`,
    `  purge service               ${calls.length} calls (${wildcards} wildcards), every URL covered: ${covered ? 'yes' : 'NO'}`,
    `  ratio                       ${report.ratio}× fewer calls (target ≥ ${TARGET_RATIO}×: ${report.ratio >= TARGET_RATIO && covered ? 'met' : 'NOT met'})`,
    `  time to drain               ${report.drainSeconds.toFixed(1)} s (all queued in ${report.submitSeconds.toFixed(1)} s; each purge takes ${COMPLETES_MS} ms to complete)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const out = path.join(__dirname, '.cache', 'purge-report.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`report: ${path.relative(process.cwd(), out)}\n`);

  for (const step of service.shutdownSteps) await step.close();
  await queue.close();
  await emulator.close();
  const keys = await redis.keys(`${prefix}:*`);
  for (let index = 0; index < keys.length; index += 500) await redis.del(...keys.slice(index, index + 500));
  await redis.quit();
}

main().catch((err) => {
  process.stderr.write(`bench:purge failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
