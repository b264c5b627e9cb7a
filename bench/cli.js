'use strict';
// bench:cli — the ingestkit CLI against a bare concurrent fetch loop, on the same gateway in
// the same run. 1,000 small generated images (BENCH_CLI_FILES) are uploaded through
// multipart `POST /v1/uploads` at concurrency 16 (BENCH_CLI_CONCURRENCY): once by the CLI
// (`ingestkit upload <dir> --concurrency 16`), once by a loop of `fetch` calls that reads each
// file and posts it with an Idempotency-Key (lib/bare-upload-loop.js). Both run as their own
// Node process and are timed from spawn to exit, so each pays a process start and a cold JIT
// (the CLI's walk, content sniffing, hashing and state file count too). After a warm-up of the
// gateway with a full run of each, rounds (BENCH_CLI_ROUNDS, 5) run both, each into its own folder, the order swapped
// every round so neither always goes first. The gateway runs from its production entry with its
// own redis-server and no worker (acceptance is what is measured; backpressure off). Prints
// accepted uploads/s of each side (median of the rounds) and the ratio CLI / bare (goal ≥ 0.9).

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const sharp = require('sharp');
const { findFreePort, startRedisServer } = require('@ingestkit/testkit');
const { waitForIdle } = require('./lib/idle');

const ROOT = path.join(__dirname, '..');
const GATEWAY = path.join(ROOT, 'services/upload-gateway/dist/main.js');
const CLI = path.join(ROOT, 'packages/client/dist/cli.cjs');
const BARE_LOOP = path.join(__dirname, 'lib/bare-upload-loop.js');
const FILES = Number(process.env.BENCH_CLI_FILES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CLI_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 5);
const API_KEY = 'bench-cli-key';

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench:cli failed: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);

async function main() {
  for (const file of [GATEWAY, CLI]) if (!fs.existsSync(file)) throw new Error(`${file} is not built: run npx turbo run build`);
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ingestkit-bench-cli-'));
  const images = path.join(dataDir, 'images');
  await writeImages(images, FILES);
  await fsp.mkdir(path.join(dataDir, 'redis'));
  const redis = await startRedisServer({ dir: path.join(dataDir, 'redis') });
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = spawn(process.execPath, [GATEWAY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench-cli',
      DATA_DIR: dataDir,
      API_KEYS: API_KEY,
      GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
      BACKPRESSURE_MAX_BACKLOG: '0',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: 'ignore',
  });
  try {
    await waitReady(url);
    const idle = await waitForIdle({ waitMs: 30_000 });
    // The gateway's JIT warm on both clients' requests before anything is measured (a short
    // warm-up left it speeding up through the first rounds, favouring whichever ran later).
    await runBare(url, images, 'warm-up-bare');
    await runCli(url, images, 'warm-up-cli', path.join(dataDir, 'state-warm-up.jsonl'));
    const results = { bare: [], cli: [] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      const bare = () => runBare(url, images, `bare-${round}`).then((rate) => results.bare.push(rate));
      const cli = () =>
        runCli(url, images, `cli-${round}`, path.join(dataDir, `state-${round}.jsonl`)).then((rate) => results.cli.push(rate));
      if (round % 2 === 1) await bare().then(cli);
      else await cli().then(bare);
      process.stdout.write(`round ${round}: bare ${results.bare.at(-1).toFixed(1)}/s, CLI ${results.cli.at(-1).toFixed(1)}/s\n`);
    }
    const bare = median(results.bare);
    const cli = median(results.cli);
    process.stdout.write(
      `\n${FILES} images, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median)${idle ? '' : ' [machine was busy at start]'}\n` +
        `| client              | accepted uploads/s |\n|---------------------|-------------------:|\n` +
        `| bare fetch loop     | ${bare.toFixed(1).padStart(18)} |\n| ingestkit CLI       | ${cli.toFixed(1).padStart(18)} |\n` +
        `ratio CLI / bare: ${(cli / bare).toFixed(2)} (goal >= 0.90)\n`,
    );
    return 0;
  } finally {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    await redis.stop();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

async function writeImages(dir, count) {
  await fsp.mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const background = { r: i % 256, g: Math.floor(i / 256) * 50, b: 128 };
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background } })
      .jpeg()
      .toBuffer();
    await fsp.writeFile(path.join(dir, `image-${String(i).padStart(5, '0')}.jpg`), jpeg);
  }
}

/** The bare loop (lib/bare-upload-loop.js), timed from spawn to exit like the CLI. */
async function runBare(url, dir, folder, limit) {
  const started = performance.now();
  const args = [BARE_LOOP, url, API_KEY, dir, folder, String(CONCURRENCY), ...(limit ? [String(limit)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`the bare loop exited with ${code}`);
  return Number(out.trim()) / seconds;
}

/** The CLI, timed from spawn to exit; accepted uploads from its --json summary. */
async function runCli(url, dir, folder, state) {
  const started = performance.now();
  // BENCH_CLI_NODE_ARGS: extra node flags for the CLI (e.g. --cpu-prof to see where its time goes).
  const nodeArgs = process.env.BENCH_CLI_NODE_ARGS ? process.env.BENCH_CLI_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'upload', dir, '--folder', folder, '--concurrency', String(CONCURRENCY), '--json', '--state', state],
    {
      env: { ...process.env, INGESTKIT_URL: url, INGESTKIT_API_KEY: API_KEY },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`the CLI exited with ${code}: ${out.slice(0, 500)}`);
  return JSON.parse(out).summary.accepted / seconds;
}

async function waitReady(url) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (
      (await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the gateway did not become ready');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
