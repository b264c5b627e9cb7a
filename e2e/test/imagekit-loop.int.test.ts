// Proves the ImageKit loop end to end with npm start: upload → delivered to the emulator through the real SDK → signed webhook → receiver → the registry shows the version; a second upload to the same path makes version 2 current, and the purge service purges the old plain URL once, which GET /v1/purge/:id shows completed.
import { spawn, type ChildProcess } from 'node:child_process';
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
const prefix = uniquePrefix('e2e-ik');

beforeAll(async () => {
  redis = await startRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-ik-'));
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
  expect(updated.versions!.find((version) => version.current)?.versionId).toBe(second.versionId);

  // The webhook receiver asked for a purge of the plain URL CDNs cached for version 1.
  const oldUrl = first.output!.url.split('?')[0]!;
  const purgeId = purgeIdFrom(`${updated.id} ${first.output!.imagekit!.versionId}`);
  const purge = await poll<{ status: string; urls: Array<Record<string, string>> }>(
    `/v1/purge/${purgeId}`,
    (candidate) => candidate.status === 'completed',
  );
  expect(purge.status).toBe('completed');
  const purged = emulator.purges().filter((record) => record.url === oldUrl);
  expect(purged).toHaveLength(1);
  expect(purge.urls).toEqual([{ url: oldUrl, status: 'completed', rule: oldUrl, requestId: purged[0]!.requestId }]);
});
