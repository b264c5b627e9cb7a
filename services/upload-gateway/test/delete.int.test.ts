// Proves DELETE /v1/assets/:id keeps a tombstone (status deleted, who, when) for an asset in any status and queues its erasure, answers the same tombstone when repeated, refuses upload tokens with 403 and unknown ids with 404; GET answers the tombstone, listing hides it unless status=deleted, and a retry of it is a conflict.
import { AssetStatus, newAssetId, queueNames, stageJobId, type Asset } from '@ingestkit/contracts';
import { createRedisAssetRegistry, notificationFromOutbox, outboxKeys } from '@ingestkit/registry';
import { createQueue } from '@ingestkit/runtime';
import { makeAsset, makeJpeg } from '@ingestkit/testkit';
import { callJson, mintUploadToken, useTestGateway } from './harness';

const gateway = useTestGateway();

const registry = () => createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
const remove = (id: string, auth?: string) => callJson(gateway, 'DELETE', `/v1/assets/${id}`, auth ? { auth } : {});

async function createAsset(status: Asset['status'], overrides: Partial<Asset> = {}): Promise<Asset> {
  const asset = makeAsset({ status, ...overrides });
  await registry().create(asset);
  return asset;
}

async function eraseJobState(id: string): Promise<string> {
  const queue = createQueue(queueNames.erase, { connection: gateway.redis, prefix: gateway.prefix });
  try {
    return await queue.getJobState(stageJobId(id, queueNames.erase));
  } finally {
    await queue.close();
  }
}

it.each(AssetStatus.options.filter((status) => status !== 'deleted'))(
  'deletes an asset that is %s: a tombstone with who and when, one asset.deleted, and an erase job',
  async (status) => {
    const asset = await createAsset(status);
    const before = Date.now();
    const res = await remove(asset.id);
    expect(res.status).toBe(202);
    expect(res.body.asset).toMatchObject({ id: asset.id, status: 'deleted', deletedBy: { keyId: expect.any(String) } });
    expect(Date.parse(res.body.asset.deletedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(res.body.asset.deletedBy.tokenId).toBeUndefined();
    expect(await eraseJobState(asset.id)).toBe('waiting');
    const outbox = (await gateway.redis.lrange(outboxKeys(gateway.prefix).pending, 0, -1)).map(notificationFromOutbox);
    expect(outbox.filter((entry) => entry.data.asset.id === asset.id).map((entry) => entry.type)).toEqual(['asset.deleted']);
    const got = await callJson(gateway, 'GET', `/v1/assets/${asset.id}`);
    expect([got.status, got.body.asset]).toEqual([200, res.body.asset]);
  },
);

it('answers the same tombstone when the delete is repeated, recording no second notification', async () => {
  const asset = await createAsset('ready');
  const first = await remove(asset.id);
  const second = await remove(asset.id);
  expect([first.status, second.status]).toEqual([202, 202]);
  expect(second.body.asset).toEqual(first.body.asset);
  const concurrent = await Promise.all([1, 2, 3].map(() => remove(asset.id)));
  expect(concurrent.map((res) => [res.status, res.body.asset.deletedAt])).toEqual(
    concurrent.map(() => [202, first.body.asset.deletedAt]),
  );
  const outbox = (await gateway.redis.lrange(outboxKeys(gateway.prefix).pending, 0, -1)).map(notificationFromOutbox);
  expect(outbox.filter((entry) => entry.data.asset.id === asset.id)).toHaveLength(1);
});

it('records exactly one tombstone when deletes race', async () => {
  const asset = await createAsset('optimizing');
  const answers = await Promise.all(Array.from({ length: 8 }, () => remove(asset.id)));
  expect(new Set(answers.map((res) => `${res.status} ${res.body.asset.deletedAt}`)).size).toBe(1);
  const outbox = (await gateway.redis.lrange(outboxKeys(gateway.prefix).pending, 0, -1)).map(notificationFromOutbox);
  expect(outbox.filter((entry) => entry.data.asset.id === asset.id)).toHaveLength(1);
});

it('answers 404 for an unknown id or one of another shape, and 403 to an upload token', async () => {
  expect((await remove(newAssetId())).body.error.code).toBe('not_found');
  expect((await remove(newAssetId())).status).toBe(404);
  expect((await remove('not-an-id')).status).toBe(404);
  const asset = await createAsset('ready');
  const token = await mintUploadToken(gateway);
  const refused = await remove(asset.id, token);
  expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
  expect((await callJson(gateway, 'DELETE', `/v1/assets/${asset.id}`, { auth: null })).status).toBe(401);
  expect((await registry().get(asset.id))?.status).toBe('ready');
});

it('refuses to retry a deleted asset (409) and leaves it deleted', async () => {
  const asset = await createAsset('failed', { error: { code: 'destination_error', message: 'down', stage: 'deliver' } });
  await remove(asset.id);
  const res = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/retry`);
  expect([res.status, res.body.error.code, res.body.error.details]).toEqual([409, 'conflict', { status: 'deleted' }]);
  expect((await registry().get(asset.id))?.status).toBe('deleted');
});

it('hides deleted assets from the listing unless status=deleted is asked for', async () => {
  const folder = `del-${Math.random().toString(36).slice(2, 8)}`;
  const kept = await createAsset('ready', { folder });
  const gone = await createAsset('ready', { folder });
  await remove(gone.id);
  const ids = async (query: string) =>
    ((await callJson(gateway, 'GET', `/v1/assets?${query}`)).body.assets as Asset[]).map((asset) => asset.id);
  expect(await ids(`folder=${folder}`)).toEqual([kept.id]);
  expect(await ids(`status=deleted&folder=${folder}`)).toEqual([gone.id]);
  expect(await ids('limit=200')).not.toContain(gone.id);
  expect(await ids('status=deleted&limit=200')).toContain(gone.id);
});

it('never brings back a direct upload deleted while awaiting its bytes: completing it answers the tombstone, queues nothing', async () => {
  const jpeg = await makeJpeg({ width: 64, height: 48 });
  const signed = await callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'photo.jpg', contentType: 'image/jpeg', size: jpeg.length },
  });
  const { asset, upload } = signed.body as { asset: Asset; upload: { url: string } };
  expect((await remove(asset.id)).status).toBe(202);
  const put = await fetch(upload.url, { method: 'PUT', body: jpeg, headers: { 'content-type': 'image/jpeg' } });
  expect(put.status).toBeLessThan(500);
  const completed = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`);
  expect(completed.body.asset).toMatchObject({ id: asset.id, status: 'deleted' });
  const validate = createQueue(queueNames.validate, { connection: gateway.redis, prefix: gateway.prefix });
  expect(await validate.getJobState(stageJobId(asset.id, queueNames.validate))).toBe('unknown');
  await validate.close();
  expect((await registry().get(asset.id))?.status).toBe('deleted');
});
