// Resumable uploads with the real tus-js-client: a 64 MiB image through a proxy that cuts the
// connection at 40 %, resumed from the offset the gateway reports (local store and S3 staging,
// and across a gateway restart), to `ready`; and the refusals of the tus endpoint.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as tus from 'tus-js-client';
import { createObjectStore } from '@ingestkit/storage';
import { makePng, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { startCuttingProxy } from './cutting-proxy';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(120_000);

const auth = { authorization: `Bearer ${API_KEY}` };
const BIG_BYTES = 64 * 1024 * 1024;

let redis: TestRedis;
let big: Buffer;

/** A small PNG grown to `bytes` by a private ancillary chunk (decoders skip it; no metadata cap applies). */
async function pngOfSize(bytes: number): Promise<Buffer> {
  const png = await makePng({ width: 256, height: 192 });
  const iend = png.length - 12;
  const dataBytes = bytes - png.length - 12;
  const chunk = Buffer.alloc(12 + dataBytes);
  chunk.writeUInt32BE(dataBytes, 0);
  chunk.write('prVt', 4, 'latin1');
  randomBytes(dataBytes).copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + dataBytes)), 8 + dataBytes);
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Uploads `data` with tus-js-client; resolves with the asset id (the upload URL's last segment). */
function tusUpload(endpoint: string, data: Buffer, headers: Record<string, string>, metadata: Record<string, string> = {}) {
  return new Promise<string>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint,
      headers,
      metadata: { fileName: 'big.png', filetype: 'image/png', ...metadata },
      retryDelays: [0, 100, 250, 500, 1000, 2000, 4000],
      storeFingerprintForResuming: false,
      onSuccess: () => resolve(upload.url!.split('/').pop()!),
      onError: reject,
    });
    upload.start();
  });
}

beforeAll(async () => {
  redis = await startRedis();
  big = await pngOfSize(BIG_BYTES);
});

afterAll(async () => {
  await redis.stop();
});

/** The resumed upload: ~60 % sent after the cut, not 100 %. */
function expectResumed(proxy: { hasCut(): boolean; bytesAfterCut(): number }) {
  expect(proxy.hasCut()).toBe(true);
  const fraction = proxy.bytesAfterCut() / BIG_BYTES;
  expect(fraction).toBeGreaterThan(0.55);
  expect(fraction).toBeLessThan(0.7);
}

describe('local staging', () => {
  it.each([
    ['a cut connection', false],
    ['a gateway restart while cut', true],
  ])('resumes a 64 MiB upload after %s and the asset ends ready', async (_name, restart) => {
    const stack = await startInProcessStack(redis.url, 'tus-local', {}, { deferWorker: true });
    const proxy = await startCuttingProxy({
      target: stack.url,
      cutAfterBytes: 0.4 * BIG_BYTES,
      ...(restart ? { onCut: () => stack.restartGateway() } : {}),
    });
    try {
      const assetId = await tusUpload(`${proxy.url}/v1/tus`, big, auth);
      expectResumed(proxy);
      const staged = await readFile(join(stack.dataDir, 'staging', assetId, 'original'));
      expect(sha256(staged)).toBe(sha256(big));
      await stack.startWorker();
      const asset = await stack.settled(assetId, 60_000);
      expect(asset).toMatchObject({ status: 'ready', fileName: 'big.png', original: { bytes: BIG_BYTES, format: 'png' } });
      const metrics = await (await fetch(`${stack.url}/metrics`)).text();
      // A restarted gateway counts from zero: the creation was the first process's.
      for (const event of restart ? ['resumed', 'completed'] : ['created', 'resumed', 'completed']) {
        expect(metrics).toMatch(new RegExp(`^ingestkit_tus_uploads_total\\{[^}]*event="${event}"[^}]*\\} 1$`, 'm'));
      }
    } finally {
      await proxy.stop();
      await stack.stop();
    }
  });
});

describe('the gateway dies between the last byte and the queueing', () => {
  it('queues the upload once at the next start (the boot sweep)', async () => {
    const stack = await startInProcessStack(redis.url, 'tus-crash', {});
    try {
      const png = await makePng({ width: 64, height: 48 });
      const created = await fetch(`${stack.url}/v1/tus`, {
        method: 'POST',
        headers: { ...auth, 'tus-resumable': '1.0.0', 'upload-length': String(png.length) },
      });
      const assetId = created.headers.get('ingest-asset-id')!;
      // All bytes stored, the finish hook never ran: what a crash right after the last write leaves.
      await writeFile(join(stack.dataDir, 'staging', assetId, 'original'), png);
      expect((await stack.settled(assetId, 500)).status).toBe('awaiting_upload');
      await stack.restartGateway();
      expect(await stack.settled(assetId)).toMatchObject({ status: 'ready', original: { bytes: png.length } });
      // A late HEAD sees the upload finished; nothing is queued twice (the asset stays ready).
      const head = await fetch(`${stack.url}/v1/tus/${assetId}`, {
        method: 'HEAD',
        headers: { ...auth, 'tus-resumable': '1.0.0' },
      });
      expect([200, 404]).toContain(head.status);
    } finally {
      await stack.stop();
    }
  });
});

describe('S3 staging', () => {
  let s3: TestS3;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await startS3();
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await s3.stop();
  });

  it.each([
    ['a cut connection', false],
    ['a gateway restart while cut', true],
  ])('resumes a 64 MiB upload after %s and the asset ends ready', async (_name, restart) => {
    const stack = await startInProcessStack(
      redis.url,
      'tus-s3',
      { STAGING_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: 'true' },
      { deferWorker: true },
    );
    const proxy = await startCuttingProxy({
      target: stack.url,
      cutAfterBytes: 0.4 * BIG_BYTES,
      ...(restart ? { onCut: () => stack.restartGateway() } : {}),
    });
    try {
      const assetId = await tusUpload(`${proxy.url}/v1/tus`, big, auth);
      expectResumed(proxy);
      const staging = createObjectStore({
        driver: 's3',
        bucket: 'ingestkit-staging',
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: s3.credentials,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of await staging.get(`staging/${assetId}/original`)) chunks.push(chunk as Buffer);
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(big));
      await stack.startWorker();
      const asset = await stack.settled(assetId, 60_000);
      expect(asset).toMatchObject({ status: 'ready', original: { bytes: BIG_BYTES, format: 'png' } });
    } finally {
      await proxy.stop();
      await stack.stop();
    }
  });
});

describe('refusals', () => {
  let stack: InProcessStack;
  let png: Buffer;
  beforeAll(async () => {
    stack = await startInProcessStack(redis.url, 'tus-refusals', { TUS_EXPIRE_AFTER_SECONDS: '2', TUS_SWEEP_EVERY_SECONDS: '1' });
    png = await makePng({ width: 64, height: 48 });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const create = (headers: Record<string, string>, length: number) =>
    fetch(`${stack.url}/v1/tus`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), ...headers },
    });
  const patch = (location: string, headers: Record<string, string>, offset: number, body: Buffer) =>
    fetch(location, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        ...headers,
      },
      body,
    });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it("refuses an Upload-Length over the token's cap with payload_too_large", async () => {
    const token = await stack.mintToken({ maxBytes: 1000 });
    const res = await create({ authorization: `Bearer ${token}` }, 5000);
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toBe('payload_too_large');
  });

  it('refuses a PATCH with another token (not_found) and one at a wrong offset (conflict)', async () => {
    const owner = { authorization: `Bearer ${await stack.mintToken({})}` };
    const other = { authorization: `Bearer ${await stack.mintToken({})}` };
    const created = await create(owner, png.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location.endsWith(`/v1/tus/${created.headers.get('ingest-asset-id')}`)).toBe(true);
    const stranger = await patch(location, other, 0, png);
    expect(stranger.status).toBe(404);
    expect(await errorOf(stranger)).toBe('not_found');
    const wrongOffset = await patch(location, owner, 10, png.subarray(10));
    expect(wrongOffset.status).toBe(409);
    expect(await errorOf(wrongOffset)).toBe('conflict');
    const right = await patch(location, owner, 0, png);
    expect(right.status).toBe(204);
    expect(await stack.settled(created.headers.get('ingest-asset-id')!)).toMatchObject({ status: 'ready' });
  });

  it('expires an unfinished upload: 410 upload_expired, asset rejected', async () => {
    const created = await create(auth, png.length);
    const location = created.headers.get('location')!;
    expect(created.headers.get('upload-expires')).toBeTruthy();
    expect((await patch(location, auth, 0, png.subarray(0, 100))).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const resumed = await patch(location, auth, 100, png.subarray(100));
    expect([404, 410]).toContain(resumed.status);
    const asset = await stack.settled(created.headers.get('ingest-asset-id')!, 10_000);
    expect(asset).toMatchObject({ status: 'rejected', error: { code: 'upload_expired' } });
    expect(await (await fetch(`${stack.url}/metrics`)).text()).toMatch(
      /^ingestkit_tus_uploads_total\{[^}]*event="expired"[^}]*\} 1$/m,
    );
  });

  it('takes the options from Upload-Metadata through the admission of every upload', async () => {
    const token = { authorization: `Bearer ${await stack.mintToken({ folder: 'avatars' })}` };
    const metadata = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
        .join(',');
    const outside = await create({ ...token, 'upload-metadata': metadata({ folder: 'elsewhere' }) }, png.length);
    expect(outside.status).toBe(403);
    expect(await errorOf(outside)).toBe('forbidden');
    const invalid = await create({ ...token, 'upload-metadata': metadata({ destination: 'ftp' }) }, png.length);
    expect(invalid.status).toBe(400);
    const created = await create(
      {
        ...token,
        'upload-metadata': metadata({
          fileName: 'me.png',
          tags: 'a, b',
          metadata: JSON.stringify({ camera: 'phone' }),
          dedupe: 'true',
          filetype: 'image/png',
        }),
      },
      png.length,
    );
    expect(created.status).toBe(201);
    expect((await patch(created.headers.get('location')!, token, 0, png)).status).toBe(204);
    expect(await stack.settled(created.headers.get('ingest-asset-id')!)).toMatchObject({
      status: 'ready',
      folder: 'avatars',
      fileName: 'me.png',
      tags: ['a', 'b'],
      metadata: { camera: 'phone' },
    });
  });

  it('refuses a deferred length', async () => {
    const res = await fetch(`${stack.url}/v1/tus`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-defer-length': '1', ...auth },
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toBe('bad_request');
  });
});
