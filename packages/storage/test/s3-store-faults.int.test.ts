// Proves the S3 store through real HTTP faults (a fault-injecting proxy in front of a real S3 server): the SDK retries 500/503/SlowDown/dropped connections with backoff and the object stays intact; past its tries the store throws a retryable code; puts carry a SHA-256 checksum and gets detect a corrupted or truncated body.
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3, startS3FaultProxy, type S3FaultProxy, type TestS3 } from '@ingestkit/testkit';
import { createS3Client, createS3Store, S3_MAX_ATTEMPTS, S3_PART_SIZE, type ObjectStore } from '../src';

const BUCKET = 'ingestkit-staging';

let s3: TestS3;
let proxy: S3FaultProxy;
let direct: S3Client;
const clients: S3Client[] = [];

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  direct = createS3Client(s3);
});
beforeEach(async () => {
  proxy = await startS3FaultProxy({ target: s3.endpoint });
});
afterEach(async () => {
  while (clients.length > 0) clients.pop()!.destroy();
  await proxy.stop();
});
afterAll(async () => {
  direct?.destroy();
  await s3?.stop();
});

/** A store whose client talks through the proxy; a fresh client per test, so no test spends another's retry quota. */
function storeThrough(target: S3FaultProxy, options: { maxAttempts?: number; idleTimeoutMs?: number } = {}): ObjectStore {
  const client = createS3Client({ ...s3, endpoint: target.endpoint, ...options });
  clients.push(client);
  return createS3Store({ client, bucket: BUCKET });
}

/** The object as the server holds it, read without the proxy. */
async function storedBytes(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await createS3Store({ client: direct, bucket: BUCKET }).get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer, encoding: 'hex' | 'base64' = 'hex') => createHash('sha256').update(data).digest(encoding);
const sdkAttempts = (method: string) =>
  proxy.requests.filter((r) => r.method === method).map((r) => String(r.headers['amz-sdk-request']));

describe('faults the SDK retries', () => {
  it('puts through two SlowDown answers: the third try stores the object intact', async () => {
    const data = randomBytes(64 * 1024);
    proxy.inject('slow-down', { count: 2, method: 'PUT' });
    await expect(storeThrough(proxy).put({ key: 'faults/slow-down', body: data })).resolves.toEqual({ bytes: data.length });
    expect(sdkAttempts('PUT')).toEqual([1, 2, 3].map((n) => `attempt=${n}; max=${S3_MAX_ATTEMPTS}`));
    expect(sha256(await storedBytes('faults/slow-down'))).toBe(sha256(data));
  });

  it(`gets through ${S3_MAX_ATTEMPTS - 1} InternalError answers, then reads every byte`, async () => {
    const data = randomBytes(100 * 1024);
    await createS3Store({ client: direct, bucket: BUCKET }).put({ key: 'faults/internal', body: data });
    proxy.inject('internal-error', { count: S3_MAX_ATTEMPTS - 1, method: 'GET' });
    const body = await readAll(await storeThrough(proxy).get('faults/internal'));
    expect(sha256(body)).toBe(sha256(data));
    expect(proxy.requests.filter((r) => r.method === 'GET')).toHaveLength(S3_MAX_ATTEMPTS);
  });

  it('abandons a try the server never answers after the idle timeout, and the retry stores the object', async () => {
    const data = randomBytes(16 * 1024);
    proxy.inject('hang', { count: 1, method: 'PUT' });
    const started = Date.now();
    await expect(storeThrough(proxy, { idleTimeoutMs: 500 }).put({ key: 'faults/hung', body: data })).resolves.toEqual({
      bytes: data.length,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(sdkAttempts('PUT')).toEqual([1, 2].map((n) => `attempt=${n}; max=${S3_MAX_ATTEMPTS}`));
    expect(sha256(await storedBytes('faults/hung'))).toBe(sha256(data));
  });

  it('survives dropped connections and 503s on a streamed put and a head', async () => {
    const data = randomBytes(32 * 1024);
    proxy.inject('drop-connection', { count: 2, method: 'PUT' });
    proxy.inject('service-unavailable', { count: 1, method: 'HEAD' });
    const store = storeThrough(proxy);
    const stream = async function* () {
      yield data.subarray(0, 1000);
      yield data.subarray(1000);
    };
    const { Readable } = await import('node:stream');
    await store.put({ key: 'faults/dropped', body: Readable.from(stream()) });
    expect(await store.head('faults/dropped')).toMatchObject({ bytes: data.length });
    expect(sha256(await storedBytes('faults/dropped'))).toBe(sha256(data));
    expect(proxy.requests.filter((r) => r.fault !== undefined)).toHaveLength(3);
  });

  it('retries a failed part of a multipart put, and the assembled object is intact', async () => {
    const data = randomBytes(S3_PART_SIZE + 512 * 1024);
    // The first PUT of a multipart upload is its first part (CreateMultipartUpload is a POST).
    proxy.inject('internal-error', { count: 1, method: 'PUT' });
    await storeThrough(proxy).put({ key: 'faults/multipart', body: data });
    const parts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    expect(parts.length).toBe(3);
    expect(parts.every((r) => typeof r.headers['x-amz-checksum-sha256'] === 'string')).toBe(true);
    expect(sha256(await storedBytes('faults/multipart'))).toBe(sha256(data));
  });
});

describe('faults that outlast the retries', () => {
  it(`throws a retryable storage_error after ${S3_MAX_ATTEMPTS} 503s, and the previous object stays`, async () => {
    const store = storeThrough(proxy);
    await store.put({ key: 'faults/kept', body: Buffer.from('version 1') });
    proxy.inject('service-unavailable', { count: S3_MAX_ATTEMPTS, method: 'PUT' });
    const err = await store.put({ key: 'faults/kept', body: Buffer.from('version 2') }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'IngestError',
      code: 'storage_error',
      retryable: true,
      details: { s3Error: 'ServiceUnavailable', httpStatus: 503, attempts: S3_MAX_ATTEMPTS },
    });
    expect(sdkAttempts('PUT')).toHaveLength(1 + S3_MAX_ATTEMPTS);
    expect((await storedBytes('faults/kept')).toString()).toBe('version 1');
  });

  it('names SlowDown when throttling outlasts the tries', async () => {
    proxy.inject('slow-down', { count: 2, method: 'GET' });
    await createS3Store({ client: direct, bucket: BUCKET }).put({ key: 'faults/throttled', body: Buffer.from('x') });
    await expect(storeThrough(proxy, { maxAttempts: 2 }).get('faults/throttled')).rejects.toMatchObject({
      code: 'storage_error',
      retryable: true,
      details: { s3Error: 'SlowDown', httpStatus: 503, attempts: 2 },
    });
  });

  it('reports a full MinIO (507 XMinioStorageFull) as storage_full at once: the SDK does not retry it', async () => {
    proxy.inject('storage-full', { count: 1, method: 'PUT' });
    await expect(storeThrough(proxy).put({ key: 'faults/full', body: Buffer.from('x') })).rejects.toMatchObject({
      code: 'storage_full',
      status: 507,
      retryable: true,
      details: { s3Error: 'XMinioStorageFull', retryAfterSeconds: 60 },
    });
    expect(sdkAttempts('PUT')).toHaveLength(1);
    expect(await createS3Store({ client: direct, bucket: BUCKET }).head('faults/full')).toBeNull();
  });
});

describe('integrity', () => {
  it('sends the SHA-256 of the body with every put, and asks for checksum validation on every get', async () => {
    const data = randomBytes(10_000);
    const store = storeThrough(proxy);
    await store.put({ key: 'integrity/sent', body: data });
    await readAll(await store.get('integrity/sent'));
    const put = proxy.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['x-amz-checksum-sha256']).toBe(sha256(data, 'base64'));
    expect(proxy.requests.find((r) => r.method === 'GET')!.headers['x-amz-checksum-mode']).toBe('ENABLED');
    if (s3.kind === 'minio') {
      const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'integrity/sent', ChecksumMode: 'ENABLED' }));
      expect(head.ChecksumSHA256).toBe(sha256(data, 'base64'));
    }
  });

  it('detects a body corrupted on the way against the stored checksum: the stream fails with storage_error', async () => {
    // s3rver keeps no checksums; this proxy plays a store that does (as S3 and MinIO do).
    const checksummed = await startS3FaultProxy({ target: s3.endpoint, addChecksums: true });
    try {
      const data = randomBytes(50_000);
      const store = storeThrough(checksummed);
      await store.put({ key: 'integrity/corrupt', body: data });
      expect(sha256(await readAll(await store.get('integrity/corrupt')))).toBe(sha256(data));

      checksummed.inject('corrupt-body', { method: 'GET' });
      const err = await readAll(await store.get('integrity/corrupt')).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'IngestError', code: 'storage_error', retryable: true });
      expect((err as Error).message).toMatch(/checksum mismatch/i);
    } finally {
      await checksummed.stop();
    }
  });

  it('detects a body cut short (fewer bytes than Content-Length): the stream fails with storage_error', async () => {
    const data = randomBytes(200_000);
    const store = storeThrough(proxy);
    await store.put({ key: 'integrity/truncated', body: data });
    proxy.inject('truncate-body', { method: 'GET' });
    const err = await readAll(await store.get('integrity/truncated')).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IngestError', code: 'storage_error', retryable: true });
  });
});
