'use strict';
// Upload throughput and peak memory of the gateway against a bare stream-to-disk server (the
// limit) and express + multer memoryStorage (what teams do today). Each server runs in its own
// child process, so peak RSS (VmHWM) is per server; one streaming client, loopback only.
//
//   npx turbo run build && npm run bench:gateway
//
// Env: BENCH_RUNS (3), BENCH_MIB (1024), BENCH_SERVERS (bare,bare-fsync,gateway,multer),
//      REDIS_URL (redis://127.0.0.1:6379). Linux only (/proc). Exits 0 whether or not the
//      targets are met; 1 only when a run could not be measured.
//
// `bare-fsync` is `bare` plus an fsync before answering: the limit for a durable write, which
// is what the gateway's local store does (it fsyncs every object before renaming it in place).

const { fork, spawnSync } = require('node:child_process');
const { createHash, randomBytes, randomFillSync } = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { waitForIdle } = require('./lib/idle');

const MiB = 1024 * 1024;
const API_KEY = 'bench-key';
const SERVERS = ['bare', 'bare-fsync', 'gateway', 'multer'];
const TARGET_RSS_MIB = 200;
const TARGET_RATIO = 0.85;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const UPLOAD_TIMEOUT_MS = 300_000;
const REDIS_TIMEOUT_MS = 5_000;
const CLOCK_TICKS = 100; // USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux

if (process.argv[2] === '--serve') {
  serve(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------- parent

async function main() {
  const runs = positiveInt(process.env.BENCH_RUNS, 3);
  const size = positiveInt(process.env.BENCH_MIB, 1024) * MiB;
  const servers = (process.env.BENCH_SERVERS ?? SERVERS.join(',')).split(',').map((s) => s.trim());
  for (const name of servers) if (!SERVERS.includes(name)) throw new Error(`unknown server "${name}" in BENCH_SERVERS`);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (servers.includes('gateway')) assertBuilt();

  const input = await ensureInput(size);
  const cpus = os.cpus();
  console.log('# gateway upload bench\n');
  console.log(
    `node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ` +
      `${Math.round(os.totalmem() / 1024 / MiB)} GiB RAM, ${os.platform()} ${os.release()}`,
  );
  console.log(`file ${size / MiB} MiB, ${runs} runs per server, interleaved; load average at start ${loadAverage()}`);
  console.log('');

  /** @type {Record<string, {mibps: number[], rssMiB: number[], cpu: number[], failures: string[]}>} */
  const results = Object.fromEntries(servers.map((name) => [name, { mibps: [], rssMiB: [], cpu: [], failures: [] }]));
  let busyRuns = 0;
  for (let run = 1; run <= runs; run++) {
    for (const name of servers) {
      spawnSync('sync', { timeout: 60_000 });
      const idle = await waitForIdle();
      if (!idle) busyRuns++;
      const label = `run ${run}/${runs} ${name.padEnd(10)}${idle ? '' : ' (busy)'}`;
      try {
        const r = await runOnce(name, input, redisUrl);
        results[name].mibps.push(r.mibps);
        results[name].rssMiB.push(r.rssMiB);
        results[name].cpu.push(r.cpu);
        console.log(
          `${label} ${fmt(r.seconds, 2)} s  ${fmt(r.mibps, 0).padStart(4)} MiB/s  ` +
            `peak RSS ${fmt(r.rssMiB, 0).padStart(4)} MiB  server CPU ${fmt(r.cpu, 2)} s`,
        );
      } catch (err) {
        results[name].failures.push(err instanceof Error ? err.message : String(err));
        console.log(`${label} FAILED: ${err instanceof Error ? err.message : err}`);
      }
    }
  }
  console.log(`load average at end ${loadAverage()}`);
  if (busyRuns > 0) console.log(`${busyRuns} run(s) started while other work used the CPUs: expect noise`);
  report(results, servers);
  process.exit(servers.some((name) => results[name].failures.length > 0) ? 1 : 0);
}

function report(results, servers) {
  const bare = median(results.bare?.mibps ?? []);
  console.log('\n| server | MiB/s | × bare | peak RSS MiB |');
  console.log('|---|---:|---:|---:|');
  for (const name of servers) {
    const r = results[name];
    const mibps = median(r.mibps);
    const ratio = bare && mibps ? fmt(mibps / bare, 2) : '–';
    const rss = r.rssMiB.length ? fmt(Math.max(...r.rssMiB), 0) : '–';
    console.log(`| ${name} | ${mibps ? fmt(mibps, 0) : '–'} | ${ratio} | ${rss} |`);
  }
  console.log(
    '\nMiB/s: median over the runs of file bytes / time from request start to response; peak RSS: ' +
      'max VmHWM of the server process.',
  );
  const cpu = servers.map((name) => `${name} ${results[name].cpu.length ? fmt(median(results[name].cpu), 2) : '–'} s`);
  console.log(`Server CPU per upload (median, all threads): ${cpu.join(', ')}.`);
  const gw = results.gateway;
  if (!gw || gw.mibps.length === 0) return;
  const rss = Math.max(...gw.rssMiB);
  const verdict = (ok) => (ok ? 'MET' : 'NOT MET');
  console.log('\ngateway targets:');
  console.log(`  peak RSS < ${TARGET_RSS_MIB} MiB: ${verdict(rss < TARGET_RSS_MIB)} (${fmt(rss, 0)} MiB)`);
  if (bare) {
    const ratio = median(gw.mibps) / bare;
    console.log(`  throughput ≥ ${TARGET_RATIO}× bare: ${verdict(ratio >= TARGET_RATIO)} (${fmt(ratio, 2)}×)`);
  } else {
    console.log(`  throughput ≥ ${TARGET_RATIO}× bare: not measured (bare not run)`);
  }
  const durable = median(results['bare-fsync']?.mibps ?? []);
  if (durable) console.log(`  (for reference: ${fmt(median(gw.mibps) / durable, 2)}× bare-fsync)`);
}

/** One upload to a fresh server process; the server's temp dir and Redis keys are removed after. */
async function runOnce(name, input, redisUrl) {
  const outDir = await fsp.mkdtemp(path.join(os.tmpdir(), `ingestkit-bench-${name}-`));
  const prefix = `bench-gw-${process.pid}-${randomBytes(4).toString('hex')}`;
  const child = fork(__filename, ['--serve', name], {
    env: { ...process.env, BENCH_OUT_DIR: outDir, BENCH_PREFIX: prefix, REDIS_URL: redisUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await waitForPort(child);
    const cpuBefore = cpuSeconds(child.pid);
    const started = process.hrtime.bigint();
    const response = await upload(port, input);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rssMiB = peakRssMiB(child.pid);
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    checkResponse(name, response, input);
    return { seconds, mibps: input.size / MiB / seconds, rssMiB, cpu };
  } finally {
    await stopChild(child);
    await fsp.rm(outDir, { recursive: true, force: true });
    if (name === 'gateway') await deleteRedisPrefix(redisUrl, prefix);
  }
}

function checkResponse(name, response, input) {
  if (name === 'gateway') {
    if (response.status !== 202) throw new Error(`gateway answered ${response.status}: ${response.body.slice(0, 300)}`);
    const { original } = JSON.parse(response.body).asset;
    if (original.bytes !== input.size) throw new Error(`gateway stored ${original.bytes} bytes, sent ${input.size}`);
    if (original.sha256 !== input.sha256) throw new Error(`gateway sha256 ${original.sha256} ≠ ${input.sha256}`);
    return;
  }
  if (response.status !== 200) throw new Error(`${name} answered ${response.status}: ${response.body.slice(0, 300)}`);
  const { bytes } = JSON.parse(response.body);
  // The bare servers write the whole multipart body; multer only the file.
  const expected = name === 'multer' ? input.size : response.bodyBytes;
  if (bytes !== expected) throw new Error(`${name} stored ${bytes} bytes, expected ${expected}`);
}

/** Streams a multipart body (one `file` part read from disk) with an exact Content-Length. */
function upload(port, input) {
  const boundary = `----ingestkit-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.jpg"\r\n` + `Content-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const bodyBytes = head.length + input.size + tail.length;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/uploads',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': bodyBytes,
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`upload timed out after ${UPLOAD_TIMEOUT_MS} ms`)), UPLOAD_TIMEOUT_MS);
    const file = fs.createReadStream(input.file);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), bodyBytes });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      file.destroy();
      reject(err);
    });
    file.on('error', (err) => req.destroy(err));
    file.on('end', () => req.end(tail));
    req.write(head);
    file.pipe(req, { end: false });
  });
}

function waitForPort(child) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening`));
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.send('stop');
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Peak resident set (VmHWM) of a live process, in MiB. */
function peakRssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** User + system CPU time of a live process (all its threads), in seconds. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function deleteRedisPrefix(redisUrl, prefix) {
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: REDIS_TIMEOUT_MS,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The upload: a real JPEG's first 32 bytes (so content sniffing accepts it), then random
 * bytes. Generated once into bench/.cache, with its SHA-256 beside it.
 */
async function ensureInput(size) {
  const dir = path.join(__dirname, '.cache');
  const file = path.join(dir, `upload-${size / MiB}mib.jpg`);
  const shaFile = `${file}.sha256`;
  const existing = await fsp.stat(file).catch(() => null);
  const knownSha = (await fsp.readFile(shaFile, 'utf8').catch(() => '')).trim();
  if (existing?.size === size && /^[0-9a-f]{64}$/.test(knownSha)) return { file, size, sha256: knownSha };

  await fsp.mkdir(dir, { recursive: true });
  console.log(`generating the ${size / MiB} MiB test file in ${path.relative(process.cwd(), dir)} (once)…`);
  const sharp = require('sharp');
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const tmp = `${file}.${process.pid}.tmp`;
  const hash = createHash('sha256');
  const handle = await fsp.open(tmp, 'w');
  try {
    const block = Buffer.alloc(8 * MiB);
    for (let written = 0; written < size;) {
      const n = Math.min(block.length, size - written);
      randomFillSync(block, 0, n);
      if (written === 0) jpeg.copy(block, 0, 0, Math.min(32, n));
      const chunk = block.subarray(0, n);
      hash.update(chunk);
      await handle.write(chunk);
      written += n;
    }
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
  const sha256 = hash.digest('hex');
  await fsp.writeFile(shaFile, sha256);
  return { file, size, sha256 };
}

function assertBuilt() {
  try {
    require.resolve('@ingestkit/upload-gateway');
  } catch {
    throw new Error('@ingestkit/upload-gateway is not built: run `npx turbo run build` first');
  }
}

// ---------------------------------------------------------------------------------- servers

/** Child process: starts one server on a free loopback port, reports it, stops on 'stop'. */
async function serve(name) {
  const outDir = required('BENCH_OUT_DIR');
  let stop;
  if (name === 'bare' || name === 'bare-fsync') {
    stop = await listenHttp(http.createServer(bareHandler(outDir, { fsync: name === 'bare-fsync' })));
  } else if (name === 'multer') stop = await listenHttp(http.createServer(multerApp(outDir)));
  else if (name === 'gateway') stop = await startRealGateway(outDir);
  else throw new Error(`unknown server ${name}`);
  const shutdown = () =>
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.on('message', (msg) => msg === 'stop' && shutdown());
  process.on('disconnect', shutdown); // the parent is gone
}

async function listenHttp(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.requestTimeout = 0; // a 1 GiB upload may take longer than Node's default 5 minutes
  process.send({ port: server.address().port });
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** The limit: the request body, multipart framing and all, piped to a file as is. */
function bareHandler(outDir, { fsync }) {
  return (req, res) => {
    let bytes = 0;
    req.on('data', (chunk) => (bytes += chunk.length));
    pipeline(req, fs.createWriteStream(path.join(outDir, 'upload'), { flush: fsync })).then(
      () => sendJson(res, 200, { bytes }),
      (err) => sendJson(res, 500, { error: String(err) }),
    );
  };
}

/** Express + multer memoryStorage: the whole file in memory, then written to disk. */
function multerApp(outDir) {
  const express = require('express');
  const multer = require('multer');
  const receive = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2 * 1024 * MiB, files: 1 } });
  const app = express();
  app.post('/v1/uploads', receive.single('file'), async (req, res, next) => {
    try {
      await fsp.writeFile(path.join(outDir, 'upload'), req.file.buffer);
      res.status(200).json({ bytes: req.file.size });
    } catch (err) {
      next(err);
    }
  });
  return app;
}

/** The real gateway from the built dist, with Redis, a temp DATA_DIR and its own queue prefix. */
async function startRealGateway(outDir) {
  const { startGateway, loadGatewayConfig } = require('@ingestkit/upload-gateway');
  const { createLogger } = require('@ingestkit/runtime');
  const config = loadGatewayConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    REDIS_URL: required('REDIS_URL'),
    QUEUE_PREFIX: required('BENCH_PREFIX'),
    DATA_DIR: outDir,
    GATEWAY_PORT: '0',
    MAX_UPLOAD_BYTES: String(2 * 1024 * MiB),
    API_KEYS: API_KEY,
    LOG_LEVEL: 'warn',
  });
  const gateway = await startGateway(config, createLogger({ name: 'bench-gateway', level: config.logLevel }));
  // Redis connects lazily; an upload before then is refused with 503 by design.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while ((await statusOf(`${gateway.url}/readyz`)) !== 200) {
    if (Date.now() > deadline) throw new Error('the gateway did not become ready (is Redis running?)');
    await sleep(50);
  }
  process.send({ port: Number(new URL(gateway.url).port) });
  return async () => {
    for (const step of gateway.shutdownSteps) await step.close();
  };
}

function statusOf(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------- helpers

function required(key) {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set`);
  return value;
}

function positiveInt(raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${raw}"`);
  return n;
}

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function loadAverage() {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fmt(n, digits) {
  return n.toFixed(digits);
}
