// Proves dedupe on the streamed upload: a second upload of the same bytes, policy, destination and folder answers the existing asset (200, Ingest-Duplicate-Of) and keeps nothing; other folders, policies and eligibility are respected; the policy default applies; other ways in record the choice for the worker.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { lifecycle } from '@ingestkit/contracts';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { callJson, mintUploadToken, postUpload, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let png: Buffer;
beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({
    redisUrl: redis.url,
    settings: { policies: { thumbs: { kind: 'delivery', dedupe: true }, plain: { kind: 'delivery' } } },
  });
  png = await makePng({ width: 40, height: 30, seed: 7 });
});
afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

const registry = () => createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
let folders = 0;
const newFolder = () => `dedupe-${Date.now()}-${folders++}`;
const upload = (fields: Record<string, string>, data = png) => postUpload(gateway, { files: [{ data, name: 'a.png' }], fields });
const idsIn = async (folder: string) => (await registry().list({ folder, limit: 100 })).assets.map((asset) => asset.id);
async function stagedAssetIds(): Promise<string[]> {
  return readdir(join(gateway.dataDir, 'staging')).catch(() => []);
}

it('answers the existing asset with 200 and Ingest-Duplicate-Of, keeping neither an asset nor bytes', async () => {
  const folder = newFolder();
  const first = await upload({ folder, dedupe: 'true' });
  expect(first.status).toBe(202);
  expect(first.body.asset).toMatchObject({ dedupe: true, original: { sha256: createHash('sha256').update(png).digest('hex') } });
  expect(first.headers.get('ingest-duplicate-of')).toBeNull();
  const staged = await stagedAssetIds();
  expect(staged).toContain(first.body.asset.id);

  const second = await upload({ folder, dedupe: 'true', tags: 'other' });
  expect(second.status).toBe(200);
  expect(second.headers.get('ingest-duplicate-of')).toBe(first.body.asset.id);
  expect(second.headers.get('location')).toBe(`/v1/assets/${first.body.asset.id}`);
  expect(second.body.asset).toMatchObject({ id: first.body.asset.id, tags: [] });
  expect(await idsIn(folder)).toEqual([first.body.asset.id]);
  expect((await stagedAssetIds()).sort()).toEqual(staged.sort());
});

it('creates a second asset without dedupe, or in another folder or policy, or with other bytes', async () => {
  const folder = newFolder();
  const first = await upload({ folder, dedupe: 'true' });
  const ids = [first.body.asset.id];
  const variants: Record<string, string>[] = [
    { folder },
    { folder, dedupe: 'false' },
    { folder: newFolder(), dedupe: 'true' },
    { folder, dedupe: 'true', policy: 'mobile' },
  ];
  for (const fields of variants) {
    const res = await upload(fields);
    expect([fields, res.status]).toEqual([fields, 202]);
    if (fields.folder === folder) ids.push(res.body.asset.id);
  }
  const other = await upload({ folder, dedupe: 'true' }, await makePng({ width: 40, height: 30, seed: 8 }));
  expect(other.status).toBe(202);
  ids.push(other.body.asset.id);
  expect((await idsIn(folder)).sort()).toEqual(ids.sort());
});

it('does not match an original that was rejected, failed or deleted', async () => {
  for (const status of ['rejected', 'failed', 'deleted']) {
    const folder = newFolder();
    const first = await upload({ folder, dedupe: 'true' });
    if (status === 'deleted') {
      const tombstone = await registry().transition(first.body.asset.id, {
        ...lifecycle.deleted,
        patch: { deletedAt: new Date().toISOString() },
      });
      expect(tombstone?.status).toBe('deleted');
    } else {
      await registry().transition(first.body.asset.id, { from: ['queued'], to: status as 'rejected' | 'failed' });
    }
    const second = await upload({ folder, dedupe: 'true' });
    expect([status, second.status]).toEqual([status, 202]);
    expect(second.body.asset.id).not.toBe(first.body.asset.id);
  }
});

it("applies the policy's dedupe default, which the request overrides", async () => {
  const folder = newFolder();
  const first = await upload({ folder, policy: 'thumbs' });
  expect(first.body.asset.dedupe).toBe(true);
  expect((await upload({ folder, policy: 'thumbs' })).status).toBe(200);
  expect((await upload({ folder, policy: 'thumbs', dedupe: 'false' })).status).toBe(202);
  const plain = await upload({ folder, policy: 'plain' });
  expect(plain.body.asset).not.toHaveProperty('dedupe');
  expect((await upload({ folder, policy: 'plain' })).status).toBe(202);
});

it('creates exactly one asset of identical uploads sent at once', async () => {
  const folder = newFolder();
  const answers = await Promise.all(Array.from({ length: 5 }, () => upload({ folder, dedupe: 'true' })));
  expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 202]);
  const [created] = await idsIn(folder);
  expect(await idsIn(folder)).toHaveLength(1);
  for (const res of answers) expect(res.body.asset.id).toBe(created);
});

it('replays a duplicate answer with its header under the same Idempotency-Key', async () => {
  const folder = newFolder();
  await upload({ folder, dedupe: 'true' });
  const send = () => {
    const form = new FormData();
    form.append('folder', folder);
    form.append('dedupe', 'true');
    form.append('file', new Blob([png]), 'a.png');
    return fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      body: form,
      headers: { authorization: 'Bearer test-key', 'idempotency-key': `dup-${folder}` },
    });
  };
  const first = await send();
  const replay = await send();
  expect([first.status, replay.status]).toEqual([200, 200]);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.headers.get('ingest-duplicate-of')).toBe(first.headers.get('ingest-duplicate-of'));
});

it('records dedupe on direct uploads (presign, Uppy, tus) and jobs for the worker to check', async () => {
  const presign = await callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'a.png', contentType: 'image/png', size: png.length, dedupe: true },
  });
  expect(presign.status).toBe(201);
  expect(presign.body.asset.dedupe).toBe(true);
  const job = await callJson(gateway, 'POST', '/v1/jobs', {
    body: { source: { url: 'https://example.com/a.png' }, policy: 'thumbs' },
  });
  expect(job.status).toBe(202);
  expect(job.body.asset.dedupe).toBe(true);
  // Uppy metadata and tus Upload-Metadata carry it as text.
  const uppy = await callJson(gateway, 'GET', '/v1/uppy/s3/params?filename=a.png&type=image%2Fpng&metadata%5Bdedupe%5D=true');
  expect(uppy.status).toBe(200);
  const fromUppy = await registry().get(uppy.body.assetId);
  expect([fromUppy?.dedupe, fromUppy?.metadata]).toEqual([true, {}]);
  const tus = await fetch(`${gateway.url}/v1/tus`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer test-key',
      'tus-resumable': '1.0.0',
      'upload-length': String(png.length),
      'upload-metadata': `dedupe ${Buffer.from('true').toString('base64')},filetype ${Buffer.from('image/png').toString('base64')}`,
    },
  });
  expect(tus.status).toBe(201);
  const fromTus = await registry().get(tus.headers.get('ingest-asset-id')!);
  expect([fromTus?.dedupe, fromTus?.metadata]).toEqual([true, {}]);
  expect(
    (await callJson(gateway, 'POST', '/v1/jobs', { body: { source: { url: 'https://example.com/a.png' }, dedupe: 'yes' } }))
      .status,
  ).toBe(400);
});

it("answers an upload token only with its own assets, never another uploader's", async () => {
  const folder = newFolder();
  const [alice, bob] = [await mintUploadToken(gateway, { folder }), await mintUploadToken(gateway, { folder })];
  const byToken = (token: string) =>
    postUpload(gateway, { files: [{ data: png, name: 'a.png' }], fields: { dedupe: 'true' }, apiKey: token });
  const first = await byToken(alice);
  expect(first.status).toBe(202);
  expect((await byToken(alice)).headers.get('ingest-duplicate-of')).toBe(first.body.asset.id);
  const other = await byToken(bob);
  expect(other.status).toBe(202);
  expect(other.body.asset.id).not.toBe(first.body.asset.id);
  // The backend's API key sees every asset: it gets the oldest.
  const byKey = await upload({ folder, dedupe: 'true' });
  expect([byKey.status, byKey.headers.get('ingest-duplicate-of')]).toEqual([200, first.body.asset.id]);
});
