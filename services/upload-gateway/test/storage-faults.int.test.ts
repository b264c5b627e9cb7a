// Proves that a full or read-only staging disk (a real tmpfs) is answered with 507 storage_full / 503 storage_read_only and Retry-After, leaves no temp file, object, asset or job behind, shows in /readyz, and that the same uploads succeed once the disk is back.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { queueNames } from '@ingestkit/contracts';
import { createLocalMultipartUploads, createLocalStore, createLocalUploadSigner } from '@ingestkit/storage';
import { makeJpeg, mountTmpfs, startRedis, type TestRedis, type TestTmpfs } from '@ingestkit/testkit';
import { localUploadSecret } from '../src/http/signing-keys';
import { callJson, postUpload, SIGNING_SECRET, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let disk: TestTmpfs;
let gateway: TestGateway;
let validateQueue: Queue;
let jpeg: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  disk = await mountTmpfs({ sizeBytes: 8 * 1024 * 1024 });
  const store = createLocalStore({ root: disk.dir });
  const secret = localUploadSecret(SIGNING_SECRET);
  const baseUrl = () => gateway.url;
  gateway = await startTestGateway({
    redisUrl: redis.url,
    staging: {
      store,
      signer: createLocalUploadSigner({ baseUrl, secret }),
      multipart: createLocalMultipartUploads({ store, baseUrl, secret }),
    },
  });
  validateQueue = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix: gateway.prefix });
  // ≈3 MB: more than the store and the request buffer, so the disk fails while bytes still arrive.
  jpeg = await makeJpeg({ width: 4000, height: 3000 });
});
afterEach(async () => {
  await disk.remountWritable();
  await disk.drain();
});
afterAll(async () => {
  await validateQueue?.close();
  await gateway?.close();
  await disk?.unmount();
  await redis?.stop();
});

/** Everything on the staging disk except the filler: objects and in-flight temp files. */
async function stagedFiles(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (!entry.name.startsWith('.filler')) found.push(path.relative(disk.dir, full));
    }
  };
  if (existsSync(disk.dir)) await walk(disk.dir);
  return found.sort();
}

/** What a refused upload must not change: files on the disk, assets in the registry, validate jobs. */
async function snapshot() {
  return {
    files: await stagedFiles(),
    assets: (await callJson(gateway, 'GET', '/v1/assets')).body.assets as unknown[],
    jobs: await validateQueue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed'),
  };
}

it('answers a multipart upload that fills the disk with 507 storage_full and Retry-After, keeps nothing, and takes it once space is back', async () => {
  const before = await snapshot();
  expect(before.files).toEqual([]);
  await disk.fill({ leaveFreeBytes: 512 * 1024 });
  const res = await postUpload(gateway, { files: [{ data: jpeg, name: 'full.jpg', type: 'image/jpeg' }] });
  expect(res.status).toBe(507);
  expect(res.headers.get('retry-after')).toBe('60');
  expect(res.body.error).toMatchObject({ code: 'storage_full', details: { errno: 'ENOSPC' } });
  expect(await snapshot()).toEqual(before);

  await disk.drain();
  const retried = await postUpload(gateway, { files: [{ data: jpeg, name: 'full.jpg', type: 'image/jpeg' }] });
  expect(retried.status).toBe(202);
  expect(retried.body.asset).toMatchObject({ status: 'queued', original: { bytes: jpeg.length } });
  expect(await validateQueue.getJobCounts('waiting')).toMatchObject({ waiting: before.jobs.waiting! + 1 });
  expect(await stagedFiles()).toEqual([`staging/${retried.body.asset.id}/original`]);
});

it('answers a multipart upload onto a read-only disk with 503 storage_read_only and Retry-After, keeping nothing', async () => {
  const before = await snapshot();
  await disk.remountReadOnly();
  const res = await postUpload(gateway, { files: [{ data: jpeg, name: 'ro.jpg', type: 'image/jpeg' }] });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('60');
  expect(res.body.error).toMatchObject({ code: 'storage_read_only', details: { errno: 'EROFS' } });
  expect(await snapshot()).toEqual(before);
});

it('answers a direct upload that fills the disk with 507, leaves the asset awaiting its upload, and takes the same URL once space is back', async () => {
  const signed = await callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'direct.jpg', contentType: 'image/jpeg', size: jpeg.length },
  });
  expect(signed.status).toBe(201);
  const { asset, upload } = signed.body;
  const before = await stagedFiles();
  await disk.fill({ leaveFreeBytes: 512 * 1024 });
  const put = () => fetch(upload.url, { method: 'PUT', body: jpeg, headers: { 'content-type': 'image/jpeg' } });

  const refused = await put();
  expect(refused.status).toBe(507);
  expect(refused.headers.get('retry-after')).toBe('60');
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('storage_full');
  expect(await stagedFiles()).toEqual(before);
  expect((await callJson(gateway, 'GET', `/v1/assets/${asset.id}`)).body.asset.status).toBe('awaiting_upload');
  const early = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`);
  expect(early.body.error).toMatchObject({ code: 'upload_missing' });

  await disk.drain();
  expect((await put()).status).toBe(204);
  const completed = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`);
  expect(completed.status).toBe(202);
  expect(completed.body.asset).toMatchObject({ status: 'queued', original: { bytes: jpeg.length, format: 'jpeg' } });
});

it('reports a full or read-only staging disk in /readyz, and is ready again once it is back', async () => {
  const ready = async () => {
    const res = await fetch(`${gateway.url}/readyz`);
    const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> };
    return { status: res.status, staging: body.checks.find((check) => check.name === 'staging') };
  };
  expect(await ready()).toMatchObject({ status: 200, staging: { ok: true } });
  await disk.fill();
  expect(await ready()).toMatchObject({ status: 503, staging: { ok: false, error: expect.stringMatching(/no space left/) } });
  await disk.drain();
  await disk.remountReadOnly();
  expect(await ready()).toMatchObject({ status: 503, staging: { ok: false, error: expect.stringMatching(/refuses writes/) } });
  await disk.remountWritable();
  expect(await ready()).toMatchObject({ status: 200, staging: { ok: true } });
});
