// Proves `npm start` (scripts/start.js, built services) ingests an image end to end over HTTP, starts Redis when needed, and refuses bad config naming every key.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { deletePrefix, findFreePort, makeJpeg, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { START_SCRIPT, startIngestkit } from './ingestkit-process';

jest.setTimeout(120_000);

let redis: TestRedis;
let dataDir: string;
beforeAll(async () => {
  redis = await startRedis();
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});
afterAll(async () => {
  await redis.stop();
});

it('ingests a 4000×3000 JPEG uploaded over HTTP to a smaller image inside 2000×2000 without EXIF', async () => {
  const prefix = uniquePrefix('e2e');
  const app = await startIngestkit({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix, DATA_DIR: dataDir });
  try {
    expect(app.output()).toContain('"dev-key" (DEVELOPMENT key');
    expect(app.output()).toContain(`data      ${dataDir}`);
    expect(app.output()).toContain(`docs      ${app.gatewayUrl}/docs`);
    expect((await fetch(`${app.gatewayUrl}/docs`)).status).toBe(200);
    const input = await makeJpeg({ width: 4000, height: 3000, exif: true });
    const form = new FormData();
    form.append('file', new Blob([input], { type: 'image/jpeg' }), 'big.jpg');
    const auth = { authorization: 'Bearer dev-key' };
    const accepted = await fetch(`${app.gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location')!;

    let asset: { status: string; output?: { url: string; bytes: number } } = { status: 'queued' };
    const deadline = Date.now() + 60_000;
    while (!['ready', 'rejected', 'failed'].includes(asset.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      asset = ((await (await fetch(`${app.gatewayUrl}${location}`, { headers: auth })).json()) as { asset: typeof asset }).asset;
    }
    expect(asset.status).toBe('ready');

    const file = await fetch(asset.output!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toContain('immutable');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(asset.output!.bytes);
    expect(bytes.length).toBeLessThan(input.length);
    const meta = await sharp(bytes).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(2000);
    expect(meta.exif).toBeUndefined();
  } finally {
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    await deletePrefix(redis.url, prefix);
  }
});

it('starts redis-server for the session when Redis does not answer, with its data under DATA_DIR', async () => {
  const port = await findFreePort();
  const app = await startIngestkit({ REDIS_URL: `redis://127.0.0.1:${port}`, DATA_DIR: dataDir });
  try {
    expect(app.output()).toContain('started for this session');
    expect((await fetch(`${app.gatewayUrl}/readyz`)).status).toBe(200);
  } finally {
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }
  expect(existsSync(join(dataDir, 'redis'))).toBe(true);
});

it('exits at boot naming every invalid key', async () => {
  const child = spawn(process.execPath, [START_SCRIPT], {
    env: { PATH: process.env.PATH, MAX_UPLOAD_BYTES: 'lots', STAGING_STORE: 'ftp', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toContain('MAX_UPLOAD_BYTES');
  expect(stderr).toContain('STAGING_STORE');
});
