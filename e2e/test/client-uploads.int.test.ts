// Proves @ingestkit/client against the real gateway and worker: every upload flow (streamed, presigned, parallel multipart with a 64 MiB file on S3 staging) reaches the pipeline, and an injected 503 and a dropped connection make no second asset.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type UploadProgress } from '@ingestkit/client';
import { makeJpeg, makePng, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { startFaultProxy } from './fault-proxy';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(120_000);

let redis: TestRedis;
let jpeg: Buffer;
let dir: string;

beforeAll(async () => {
  redis = await startRedis();
  jpeg = await makeJpeg({ width: 640, height: 480 });
  dir = await mkdtemp(join(tmpdir(), 'ingestkit-client-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await redis.stop();
});

async function assetsIn(stack: InProcessStack, folder: string) {
  const client = createClient({ url: stack.url, apiKey: API_KEY });
  const found = [];
  for await (const asset of client.assets.list({ folder })) found.push(asset);
  return found;
}

describe('S3 staging on s3rver', () => {
  let s3: TestS3;
  let stack: InProcessStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await startS3();
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    stack = await startInProcessStack(redis.url, 'client-s3', {
      STAGING_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    });
  });
  afterAll(async () => {
    await stack.stop();
    await s3.stop();
    process.env = saved;
  });

  it('uploads a Buffer streamed, a path presigned and a Blob in multipart parts, each to ready', async () => {
    const client = createClient({ url: stack.url, apiKey: API_KEY });
    const path = join(dir, 'from-disk.bin');
    await writeFile(path, jpeg);
    const streamed = await client.upload(jpeg, { fileName: 'a.jpg', folder: 'flows', flow: 'stream', tags: ['x'] });
    const presigned = await client.upload(path, { folder: 'flows', flow: 'presign' });
    const png = await makePng({ width: 300, height: 200 });
    const parts = await client.upload(new Blob([png]), { fileName: 'c.png', folder: 'flows', flow: 'multipart' });
    for (const asset of [streamed, presigned, parts]) {
      expect(await client.waitForAsset(asset.id, { timeoutMs: 60_000 })).toMatchObject({ status: 'ready', folder: 'flows' });
    }
    expect(presigned.fileName).toBe('from-disk.bin');
    expect((await client.assets.get(streamed.id)).tags).toEqual(['x']);
  });

  it('sends a 64 MiB file over parallel multipart parts, chosen by size, with byte progress', async () => {
    const client = createClient({ url: stack.url, apiKey: API_KEY });
    const big = Buffer.alloc(64 * 1024 * 1024);
    jpeg.copy(big);
    const path = join(dir, 'big.jpg');
    await writeFile(path, big);
    const progress: UploadProgress[] = [];
    const asset = await client.upload(path, { folder: 'big', partConcurrency: 4, onProgress: (p) => progress.push(p) });
    expect(asset.original?.bytes).toBe(big.length);
    // 8 parts of 8 MiB, each reported once it is stored; the last report is the whole file.
    expect(progress.filter((p) => p.loaded > 0).map((p) => p.loaded)).toHaveLength(8);
    expect(progress.at(-1)).toEqual({ loaded: big.length, total: big.length });
    expect(await assetsIn(stack, 'big')).toHaveLength(1);
    expect(await client.waitForAsset(asset.id, { timeoutMs: 60_000 })).toMatchObject({
      status: 'ready',
      original: { bytes: big.length },
    });
  });
});

describe('faults between the client and the gateway (local staging)', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack(redis.url, 'client-faults', {});
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('waits out an injected 503 backlog_full, then survives a dropped answer without a second asset', async () => {
    let uploads = 0;
    const proxy = await startFaultProxy(stack.url, (req) => {
      if (req.method !== 'POST' || req.url !== '/v1/uploads') return 'pass';
      uploads += 1;
      return uploads === 1 ? 'backlog_full' : uploads === 2 ? 'drop_after_forward' : 'pass';
    });
    try {
      const client = createClient({ url: proxy.url, apiKey: API_KEY, retry: { baseDelayMs: 50 } });
      const started = Date.now();
      const asset = await client.upload(jpeg, { fileName: 'retried.jpg', folder: 'faults' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // Retry-After: 1 was honoured
      const posts = proxy.seen.filter((r) => r.path === '/v1/uploads');
      expect(posts.map((r) => r.action)).toEqual(['backlog_full', 'drop_after_forward', 'pass']);
      expect(new Set(posts.map((r) => r.idempotencyKey)).size).toBe(1);
      expect(await assetsIn(stack, 'faults')).toEqual([expect.objectContaining({ id: asset.id })]);
      expect((await client.waitForAsset(asset.id)).status).toBe('ready');
    } finally {
      await proxy.stop();
    }
  });

  it('survives a dropped answer in each step of a presigned upload', async () => {
    const dropped = new Set<string>();
    const proxy = await startFaultProxy(stack.url, (req) => {
      const step = `${req.method} ${req.url?.replace(/ast_[^/?]+/, ':id')}`;
      if (req.method === 'GET' || dropped.has(step)) return 'pass';
      dropped.add(step);
      return 'drop_after_forward';
    });
    try {
      const client = createClient({ url: proxy.url, apiKey: API_KEY, retry: { baseDelayMs: 50 } });
      const asset = await client.upload(jpeg, { fileName: 'direct.jpg', folder: 'faults-direct', flow: 'presign' });
      // (The PUT goes to the signed URL, straight to storage, not through the proxy.)
      expect([...dropped].sort()).toEqual(['POST /v1/assets/:id/complete', 'POST /v1/uploads/presign']);
      expect(await assetsIn(stack, 'faults-direct')).toEqual([expect.objectContaining({ id: asset.id })]);
      expect((await client.waitForAsset(asset.id)).status).toBe('ready');
    } finally {
      await proxy.stop();
    }
  });
});
