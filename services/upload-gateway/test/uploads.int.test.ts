// Proves POST /v1/uploads streams one image to staging and queues it, and refuses bad input with the right code, leaving nothing behind.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { queueNames, stageJobId } from '@ingestkit/contracts';
import { makeHeic, makeJpeg, makePdf, makePng, makeText, startRedis, type TestRedis } from '@ingestkit/testkit';
import { postUpload, startTestGateway, type TestGateway } from './harness';

const MAX_UPLOAD_BYTES = 256 * 1024;

let redis: TestRedis;
let gateway: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url, maxUploadBytes: MAX_UPLOAD_BYTES });
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

async function stagedKeys(): Promise<string[]> {
  return (await gateway.staging.list('staging/')).map((object) => object.key);
}

describe('POST /v1/uploads', () => {
  it('streams the file to staging, records the asset as queued and enqueues validation', async () => {
    const jpeg = await makeJpeg({ width: 320, height: 240 });
    const res = await postUpload(gateway, {
      files: [{ data: jpeg, name: 'Holiday Photo.jpg', type: 'image/jpeg' }],
      fields: { folder: 'trips/2026', tags: 'beach, summer', metadata: '{"album":"a1"}' },
    });

    expect(res.status).toBe(202);
    const asset = res.body.asset;
    expect(res.headers.get('location')).toBe(`/v1/assets/${asset.id}`);
    expect(asset).toMatchObject({
      status: 'queued',
      destination: 'local',
      fileName: 'Holiday_Photo.jpg',
      folder: 'trips/2026',
      tags: ['beach', 'summer'],
      metadata: { album: 'a1' },
      original: { key: `staging/${asset.id}/original`, bytes: jpeg.length, format: 'jpeg' },
    });
    expect(asset.original.sha256).toBe(createHash('sha256').update(jpeg).digest('hex'));
    expect(await readFile(gateway.staging.localPath(asset.original.key)!)).toEqual(jpeg);

    const queue = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix: gateway.prefix });
    const job = await queue.getJob(stageJobId(asset.id, queueNames.validate));
    await queue.close();
    expect(job?.data).toEqual({ version: 1, assetId: asset.id });

    const fetched = await fetch(`${gateway.url}/v1/assets/${asset.id}`, { headers: { authorization: 'Bearer test-key' } });
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as { asset: unknown }).asset).toEqual(asset);
  });

  it('answers 404 with a code for an unknown asset', async () => {
    const res = await fetch(`${gateway.url}/v1/assets/ast_AAAAAAAAAAAAAAAAAAAAAA`, {
      headers: { authorization: 'Bearer test-key' },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it.each([
    ['no key', null],
    ['an unknown key', 'not-a-key'],
  ])('refuses %s with 401', async (_label, apiKey) => {
    const res = await postUpload(gateway, { files: [{ data: await makePng({ width: 8, height: 8 }) }], apiKey });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it('refuses a body without a file part with 400 missing_file', async () => {
    const res = await postUpload(gateway, { fields: { folder: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'missing_file' } });
  });

  it('refuses two files with 400 too_many_files and keeps neither', async () => {
    const png = await makePng({ width: 8, height: 8 });
    const res = await postUpload(gateway, { files: [{ data: png }, { data: png }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'too_many_files' } });
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it('refuses a file over the limit with 413 and leaves nothing in staging', async () => {
    const big = await makeJpeg({ width: 1600, height: 1200, quality: 95 });
    expect(big.length).toBeGreaterThan(MAX_UPLOAD_BYTES);
    const res = await postUpload(gateway, { files: [{ data: big, type: 'image/jpeg' }] });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it.each([
    ['a PDF', () => makePdf()],
    ['a text file named .jpg', () => makeText()],
    ['an empty file', () => Buffer.alloc(0)],
  ])('refuses %s with 415 unsupported_media_type, whatever its name or declared type', async (_label, make) => {
    const res = await postUpload(gateway, { files: [{ data: await make(), name: 'photo.jpg', type: 'image/jpeg' }] });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it('refuses invalid fields with 400 and the field name, leaving nothing in staging', async () => {
    const res = await postUpload(gateway, {
      files: [{ data: await makePng({ width: 8, height: 8 }) }],
      fields: { destination: 'ftp', folder: '../etc' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.details.issues.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'destination',
      'folder',
    ]);
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it('refuses a destination this release cannot deliver to (imagekit) with 400', async () => {
    const res = await postUpload(gateway, {
      files: [{ data: await makePng({ width: 8, height: 8 }) }],
      fields: { destination: 'imagekit' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'destination' })]);
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
  });

  it('removes a partial upload when the client disconnects mid-body, and queues nothing', async () => {
    const jpeg = await makeJpeg({ width: 400, height: 300 });
    const boundary = 'ingestkitboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    await new Promise<void>((resolve) => {
      const req = request(`${gateway.url}/v1/uploads`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer test-key',
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + jpeg.length + 100),
        },
      });
      req.on('error', () => resolve());
      req.write(Buffer.concat([head, jpeg.subarray(0, jpeg.length / 2)]));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await waitFor(async () => (await stagedKeys()).length === expectStagingUnchanged.length);
    expect(await stagedKeys()).toEqual(expectStagingUnchanged);
    expect(await gateway.redis.keys(`${gateway.prefix}:asset:*`)).toHaveLength(1);
  });
});

/** Only the first test's upload stays in staging; every refused upload must leave nothing. */
let expectStagingUnchanged: string[] = [];
beforeEach(async () => {
  expectStagingUnchanged = await stagedKeys();
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// After the describe above: its last test counts the assets created before it.
it('accepts an iPhone HEIC by its content, whatever type the client declares', async () => {
  const heic = await makeHeic({ width: 320, height: 240 });
  const res = await postUpload(gateway, { files: [{ data: heic, name: 'IMG_0001.HEIC', type: 'application/octet-stream' }] });
  expect(res.status).toBe(202);
  expect(res.body.asset).toMatchObject({ status: 'queued', original: { bytes: heic.length, format: 'heic' } });
});
