// Proves the ImageKit loop end to end with npm start: upload → delivered to the emulator through the real SDK → signed webhook → receiver → the registry shows the version; a second upload to the same path (made outside ingestkit, or through the pipeline with overwrite=true) makes a new version with a new versioned URL in the asset and its notification, and the purge service purges the old plain URL exactly once, which GET /v1/purge/:id shows completed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeIdFrom } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { deletePrefix, findFreePort, makeJpeg, makePng, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';

const START_SCRIPT = join(__dirname, '../../scripts/start.js');
const keys = { privateKey: 'private_e2e', publicKey: 'public_e2e' };
// A development secret for this test only.
const WEBHOOK_SECRET = 'whsec_e2e-test-secret';
const NOTIFY_SECRET = 'whsec_ZTJlLW5vdGlmeS1zZWNyZXQ=';
jest.setTimeout(120_000);

interface AssetView {
  id: string;
  status: string;
  output?: { url: string; imagekit?: { fileId: string; filePath: string; versionId: string } };
  versions?: Array<{ versionId: string; url: string; current: boolean }>;
}

let redis: TestRedis;
let emulator: Emulator;
let child: ChildProcess;
let dataDir: string;
let gatewayUrl: string;
let notifySink: Server;
const notifications: Array<{ type: string; data: { asset: AssetView } }> = [];
const prefix = uniquePrefix('e2e-ik');

beforeAll(async () => {
  redis = await startRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-ik-'));
  notifySink = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      notifications.push(JSON.parse(body) as (typeof notifications)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => notifySink.listen(0, '127.0.0.1', resolve));
  const [gatewayPort, webhookPort, metricsPort, purgePort] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  emulator = await startEmulator({
    ...keys,
    port: 0,
    webhookUrl: `http://127.0.0.1:${webhookPort}/webhooks/imagekit`,
    webhookSecret: WEBHOOK_SECRET,
    webhookRetry: { delaysMs: [100, 200, 400], timeoutMs: 5_000 },
  });
  child = spawn(process.execPath, [START_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      WEBHOOK_PORT: String(webhookPort),
      WORKER_METRICS_PORT: String(metricsPort),
      PURGE_METRICS_PORT: String(purgePort),
      PURGE_WINDOW_MS: '100',
      PURGE_POLL_MS: '200',
      DEFAULT_DESTINATION: 'imagekit',
      IMAGEKIT_PRIVATE_KEY: keys.privateKey,
      IMAGEKIT_PUBLIC_KEY: keys.publicKey,
      IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
      IMAGEKIT_BASE_URL: emulator.url,
      IMAGEKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      NOTIFY_URL: `http://127.0.0.1:${(notifySink.address() as AddressInfo).port}/hooks`,
      NOTIFY_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('ingestkit is running')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(output).toContain(`/webhooks/imagekit`);
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
});

afterAll(async () => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  await emulator.close();
  await new Promise((resolve) => notifySink.close(resolve));
  await deletePrefix(redis.url, prefix);
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = { authorization: 'Bearer dev-key' };

async function poll<T>(location: string, until: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${gatewayUrl}${location}`, { headers: auth });
    const value = response.ok ? (Object.values((await response.json()) as Record<string, T>)[0] as T) : undefined;
    if ((value !== undefined && until(value)) || Date.now() > deadline) return value as T;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pollAsset = (location: string, until: (asset: AssetView) => boolean) => poll<AssetView>(location, until);

async function uploadThroughPipeline(fields: Record<string, string>, image: Buffer): Promise<string> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([image], { type: 'image/jpeg' }), 'upload.jpg');
  const accepted = await fetch(`${gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
  expect(accepted.status).toBe(202);
  return accepted.headers.get('location')!;
}

async function notificationFor(assetId: string, type: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = notifications.find((entry) => entry.type === type && entry.data.asset.id === assetId);
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('records the delivered version from the webhook, then version 2 and a purge of the old URL after an overwrite', async () => {
  const form = new FormData();
  form.append('file', new Blob([await makeJpeg({ width: 1600, height: 1200 })], { type: 'image/jpeg' }), 'loop.jpg');
  const accepted = await fetch(`${gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
  expect(accepted.status).toBe(202);
  const location = accepted.headers.get('location')!;

  const first = await pollAsset(location, (asset) => (asset.versions ?? []).length === 1);
  expect(first.status).toBe('ready');
  expect(first.versions).toEqual([expect.objectContaining({ current: true, url: expect.stringContaining('?updatedAt=') })]);
  const { fileId, filePath } = first.output!.imagekit!;
  expect(emulator.files().filter((file) => file.fileId === fileId)).toHaveLength(1);

  // Someone overwrites the same path on ImageKit: a new version of the same file.
  const client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url });
  const folder = filePath.slice(0, filePath.lastIndexOf('/') + 1);
  const fileName = filePath.slice(folder.length);
  const second = await client.upload({
    file: await makePng({ width: 64, height: 64 }),
    fileName,
    folder,
    useUniqueFileName: false,
  });
  expect(second.fileId).toBe(fileId);

  const updated = await pollAsset(location, (asset) => (asset.versions ?? []).length === 2);
  expect(updated.versions).toHaveLength(2);
  const current = updated.versions!.find((version) => version.current)!;
  expect(current.versionId).toBe(second.versionId);
  // The asset now hands out the current version's URL, not the one it delivered.
  expect(updated.output!.url).toBe(current.url);
  expect(updated.output!.url).not.toBe(first.output!.url);

  // The webhook receiver asked for a purge of the plain URL CDNs cached for version 1.
  const oldUrl = first.output!.url.split('?')[0]!;
  const purgeId = purgeIdFrom(`${fileId} ${first.output!.imagekit!.versionId}`);
  const purge = await poll<{ status: string; urls: Array<Record<string, string>> }>(
    `/v1/purge/${purgeId}`,
    (candidate) => candidate.status === 'completed',
  );
  expect(purge.status).toBe('completed');
  const purged = emulator.purges().filter((record) => record.url === oldUrl);
  expect(purged).toHaveLength(1);
  expect(purge.urls).toEqual([{ url: oldUrl, status: 'completed', rule: oldUrl, requestId: purged[0]!.requestId }]);
});

it('overwrites a path through the pipeline: a new version with a new versioned URL in the asset and asset.ready, and one purge of the old plain URL', async () => {
  const fields = { folder: 'shop/hero', fileName: 'banner.jpg', overwrite: 'true' };
  const firstLocation = await uploadThroughPipeline(fields, await makeJpeg({ width: 1200, height: 800 }));
  const first = await pollAsset(firstLocation, (asset) => asset.status === 'ready' || asset.status === 'rejected');
  expect(first.status).toBe('ready');
  const { fileId, filePath, versionId } = first.output!.imagekit!;
  expect(filePath).toMatch(/^\/shop\/hero\/banner\.\w+$/);

  const secondLocation = await uploadThroughPipeline(fields, await makeJpeg({ width: 900, height: 600 }));
  const second = await pollAsset(secondLocation, (asset) => asset.status === 'ready' || asset.status === 'rejected');
  expect(second.status).toBe('ready');
  expect(second.output!.imagekit).toMatchObject({ fileId, filePath });
  expect(second.output!.imagekit!.versionId).not.toBe(versionId);
  const [oldPlain, newPlain] = [first.output!.url.split('?')[0], second.output!.url.split('?')[0]];
  expect(newPlain).toBe(oldPlain);
  expect(second.output!.url).not.toBe(first.output!.url);
  expect(second.output!.url).toContain('?updatedAt=');
  expect((await notificationFor(second.id, 'asset.ready'))?.data.asset.output?.url).toBe(second.output!.url);

  // Both the worker (it overwrote) and the webhook receiver (ImageKit reported version 2) ask for
  // the same purge id; the old plain URL is purged once.
  const purge = await poll<{ status: string; reason: string }>(
    `/v1/purge/${purgeIdFrom(`${fileId} ${versionId}`)}`,
    (candidate) => candidate.status === 'completed',
  );
  expect(purge.status).toBe('completed');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(emulator.purges().filter((record) => record.url === oldPlain)).toHaveLength(1);
  expect(emulator.files().filter((file) => file.fileId === fileId)[0]!.versions).toHaveLength(2);
});
