'use strict';
// The system under test for bench/load.js, each part in its own process: a redis-server on a
// free port (AOF everysec and noeviction, as in production; data in the temp DATA_DIR), and the
// production entries of the upload gateway and the ingest worker, configured by env only, with
// local staging and the local destination under the temp DATA_DIR. Logs go to files there.

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { findFreePort, startRedisServer } = require('@ingestkit/testkit');

const ROOT = path.join(__dirname, '..', '..');
const ENTRIES = {
  gateway: path.join(ROOT, 'services/upload-gateway/dist/main.js'),
  worker: path.join(ROOT, 'services/ingest-worker/dist/main.js'),
};
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts Redis, the gateway and the worker; resolves once both answer /readyz with 200.
 * `settings`: { dataDir, apiKeys, maxBacklog, notifyUrl, notifySecret, workerConcurrency? }.
 * Returns pids, URLs, `exits` (services that ended before `stop`) and `stop()`.
 */
async function startStack(settings) {
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!fs.existsSync(entry))
      throw new Error(`${name} is not built (${path.relative(ROOT, entry)}): run \`npx turbo run build\``);
  }
  const redisDir = path.join(settings.dataDir, 'redis');
  fs.mkdirSync(redisDir, { recursive: true });
  const redis = await startRedisServer({ dir: redisDir, appendonly: true });
  const gatewayPort = await findFreePort();
  const workerPort = await findFreePort();
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'bench-load',
    DATA_DIR: settings.dataDir,
    STAGING_STORE: 'local',
    DEFAULT_DESTINATION: 'local',
    GATEWAY_PORT: String(gatewayPort),
    WORKER_METRICS_PORT: String(workerPort),
  };
  const exits = [];
  let stopping = false;
  const launch = (name, env) => {
    const log = fs.openSync(path.join(settings.dataDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, [ENTRIES[name]], { env: { ...common, ...env }, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.once('exit', (code, signal) => {
      if (!stopping) exits.push({ service: name, code, signal, at: Date.now() });
    });
    return child;
  };
  const children = {
    gateway: launch('gateway', {
      API_KEYS: settings.apiKeys.join(','),
      GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
      BACKPRESSURE_MAX_BACKLOG: String(settings.maxBacklog),
    }),
    worker: launch('worker', {
      IMAGE_ISOLATION: 'process',
      NOTIFY_URL: settings.notifyUrl,
      NOTIFY_SECRET: settings.notifySecret,
      ...(settings.workerConcurrency ? { WORKER_CONCURRENCY: String(settings.workerConcurrency) } : {}),
    }),
  };
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  const stop = async () => {
    stopping = true;
    await Promise.all(Object.values(children).map(stopChild));
    await redis.stop();
  };
  try {
    await Promise.all([
      waitReady(gatewayUrl, children.gateway, settings.dataDir, 'gateway'),
      waitReady(workerUrl, children.worker, settings.dataDir, 'worker'),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    redisUrl: redis.url,
    prefix: common.QUEUE_PREFIX,
    gatewayUrl,
    workerUrl,
    pids: { gateway: children.gateway.pid, worker: children.worker.pid, redis: redis.process.pid },
    exits,
    logFile: (name) => path.join(settings.dataDir, `${name}.log`),
    stop,
  };
}

async function waitReady(url, child, dataDir, name) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode}:\n${tail(path.join(dataDir, `${name}.log`))}`);
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${name} not ready within ${READY_TIMEOUT_MS} ms:\n${tail(path.join(dataDir, `${name}.log`))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM (the services' graceful shutdown), SIGKILL after STOP_TIMEOUT_MS. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Warn-and-above lines of a service's pino log, grouped by level and message, most frequent
 * first (at most `limit` groups), with the number of lines that were not JSON.
 */
function summariseLog(file, limit = 8) {
  const groups = new Map();
  let other = 0;
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { groups: [], other };
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      other++;
      continue;
    }
    const level =
      typeof entry.level === 'number'
        ? ({ 40: 'warn', 50: 'error', 60: 'fatal' }[entry.level] ?? String(entry.level))
        : entry.level;
    const code = entry.err?.code ?? entry.code ?? entry.error?.code;
    const key = `${level} ${entry.msg ?? ''}${code ? ` (${code})` : ''}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return {
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([message, count]) => ({ message, count })),
    other,
  };
}

module.exports = { startStack, summariseLog };
