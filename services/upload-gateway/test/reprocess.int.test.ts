// The reprocess routes against real Redis and local stores, without a worker: what a reprocess
// records and queues, every refusal, and the bulk run's routes (runs that complete are in
// e2e/test/reprocess.int.test.ts, with a real worker).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { newAssetId, queueNames, REPROCESS_PRIORITY, stageJobId, stagingKeys, type Asset } from '@ingestkit/contracts';
import { createRedisAssetRegistry, type AssetRegistry } from '@ingestkit/registry';
import { createOriginals, type ObjectStore } from '@ingestkit/storage';
import { makeAsset, startRedis, type TestRedis } from '@ingestkit/testkit';
import { callJson, mintUploadToken, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let registry: AssetRegistry;
let originals: ObjectStore;
let originalsDir: string;
let validate: Queue;

beforeAll(async () => {
  redis = await startRedis();
  originalsDir = await mkdtemp(join(tmpdir(), 'ingestkit-originals-'));
  const kept = createOriginals({ driver: 'local', root: originalsDir });
  originals = kept.store;
  gateway = await startTestGateway({ redisUrl: redis.url, originals: kept });
  registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
  validate = new Queue(queueNames.validate, { connection: gateway.redis, prefix: gateway.prefix });
});

afterAll(async () => {
  await validate.close();
  await gateway.close();
  await rm(originalsDir, { recursive: true, force: true });
  await redis.stop();
});

const output = (id: string) => ({
  name: 'delivery.png',
  key: `assets/${id}/photo.png`,
  bytes: 10,
  format: 'png' as const,
  contentType: 'image/png',
  width: 8,
  height: 8,
  url: `http://files.test/files/assets/${id}/photo.png?v=0123456789abcdef`,
  policy: 'delivery',
});

/** A ready asset whose original was kept (bytes in the originals store, `original.retained` recorded). */
async function keptAsset(overrides: Partial<Asset> = {}, kept = true): Promise<Asset> {
  const id = newAssetId();
  const bytes = Buffer.from(`original of ${id}`);
  if (kept) await originals.put({ key: `originals/${id}`, body: bytes });
  const asset = makeAsset({
    id,
    status: 'ready',
    policy: 'delivery',
    overrides: { quality: 40 },
    original: {
      key: stagingKeys.original(id),
      bytes: bytes.length,
      contentType: 'image/png',
      ...(kept ? { retained: { key: `originals/${id}`, storedAt: new Date().toISOString() } } : {}),
    },
    output: output(id),
    ...overrides,
  });
  await registry.create(asset);
  return asset;
}

describe('POST /v1/assets/:id/reprocess', () => {
  it('copies the kept original to staging, records the delivered output to retire, moves to queued under the new policy and queues validate below uploads', async () => {
    const asset = await keptAsset();
    const res = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { body: { policy: 'mobile' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/assets/${asset.id}`);
    expect(res.body.asset).toMatchObject({ status: 'queued', policy: 'mobile', output: asset.output });
    expect(res.body.asset.overrides).toBeUndefined();
    expect(res.body.asset.reprocessing).toEqual({ previousOutputs: [asset.output], requestedAt: expect.any(String) });
    const staged = await gateway.staging.get(stagingKeys.original(asset.id));
    const chunks: Buffer[] = [];
    for await (const chunk of staged) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(`original of ${asset.id}`);
    const job = await validate.getJob(stageJobId(asset.id, queueNames.validate));
    expect(job?.opts.priority).toBe(REPROCESS_PRIORITY);
    expect(await validate.getPrioritizedCount()).toBeGreaterThanOrEqual(1);
  });

  it('keeps the policy and overrides with an empty body, and takes overrides as uploads do', async () => {
    const same = await keptAsset();
    const res = await callJson(gateway, 'POST', `/v1/assets/${same.id}/reprocess`);
    expect(res.status).toBe(202);
    expect(res.body.asset).toMatchObject({ policy: 'delivery', overrides: { quality: 40 } });
    const overridden = await keptAsset();
    const res2 = await callJson(gateway, 'POST', `/v1/assets/${overridden.id}/reprocess`, {
      body: { format: 'webp', quality: 'auto', maxWidth: 100 },
    });
    expect(res2.status).toBe(202);
    expect(res2.body.asset).toMatchObject({ policy: 'delivery', overrides: { format: 'webp', quality: 'auto', maxWidth: 100 } });
  });

  it('refuses bad input, unknown ids, upload tokens, assets without a kept original, assets in progress and deleted assets', async () => {
    const asset = await keptAsset();
    const bad = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { body: { policy: 'Not A Name' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    const extra = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { body: { folder: 'x' } });
    expect([extra.status, extra.body.error.code]).toEqual([400, 'bad_request']);

    const unknown = await callJson(gateway, 'POST', `/v1/assets/${newAssetId()}/reprocess`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const malformed = await callJson(gateway, 'POST', '/v1/assets/not-an-id/reprocess');
    expect([malformed.status, malformed.body.error.code]).toEqual([404, 'not_found']);

    const token = await mintUploadToken(gateway);
    const byToken = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { auth: token });
    expect([byToken.status, byToken.body.error.code]).toEqual([403, 'forbidden']);
    const none = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { auth: null });
    expect(none.status).toBe(401);

    const notKept = await keptAsset({}, false);
    const unavailable = await callJson(gateway, 'POST', `/v1/assets/${notKept.id}/reprocess`);
    expect([unavailable.status, unavailable.body.error.code]).toEqual([409, 'original_unavailable']);
    // Recorded as kept, but gone from the store (swept): the same answer, and nothing changed.
    const swept = await keptAsset();
    await originals.delete(`originals/${swept.id}`);
    const gone = await callJson(gateway, 'POST', `/v1/assets/${swept.id}/reprocess`);
    expect([gone.status, gone.body.error.code]).toEqual([409, 'original_unavailable']);
    expect((await registry.get(swept.id))?.status).toBe('ready');

    for (const status of ['queued', 'optimizing', 'rejected', 'deleted'] as const) {
      const busy = await keptAsset({ status });
      const res = await callJson(gateway, 'POST', `/v1/assets/${busy.id}/reprocess`);
      expect([status, res.status, res.body.error.code]).toEqual([status, 409, 'conflict']);
    }
    // A second request while the first is queued is a conflict too.
    expect((await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`)).status).toBe(202);
    expect((await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`)).body.error.code).toBe('conflict');
  });

  it('reprocesses a failed asset, carrying the outputs a failed reprocess never removed', async () => {
    const asset = await keptAsset();
    const earlier = { ...output(asset.id), key: `assets/${asset.id}/photo.jpg`, format: 'jpeg' as const };
    await registry.update(asset.id, {
      reprocessing: { previousOutputs: [earlier], requestedAt: new Date().toISOString() },
      error: { code: 'timeout', message: 'slow', stage: 'optimize' },
    });
    await registry.transition(asset.id, { from: ['ready'], to: 'queued' });
    await registry.transition(asset.id, { from: ['queued'], to: 'failed' });
    const res = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/reprocess`, { body: { policy: 'delivery-avif' } });
    expect(res.status).toBe(202);
    expect(res.body.asset.error).toBeUndefined();
    expect(res.body.asset.reprocessing.previousOutputs.map((o: { key: string }) => o.key).sort()).toEqual(
      [earlier.key, asset.output!.key].sort(),
    );
  });
});

describe('bulk runs: routes', () => {
  it('creates a run (202, Location), shows it, cancels it, and refuses bad filters, tokens and unknown runs', async () => {
    const created = await callJson(gateway, 'POST', '/v1/reprocess', {
      body: { filter: { folder: 'nowhere-at-all', status: 'ready' }, policy: 'mobile' },
    });
    expect(created.status).toBe(202);
    const id = created.body.run.id as string;
    expect(created.headers.get('location')).toBe(`/v1/reprocess/${id}`);
    expect(created.body.run).toMatchObject({
      filter: { folder: 'nowhere-at-all', status: 'ready' },
      policy: 'mobile',
      status: 'running',
      total: 0,
      done: 0,
      failed: 0,
      remaining: 0,
      listed: false,
    });
    const shown = await callJson(gateway, 'GET', `/v1/reprocess/${id}`);
    expect(shown.body.run.id).toBe(id);
    const cancelled = await callJson(gateway, 'POST', `/v1/reprocess/${id}/cancel`);
    expect([cancelled.status, cancelled.body.run.status]).toEqual([200, 'cancelled']);
    expect((await callJson(gateway, 'GET', `/v1/reprocess/${id}`)).body.run.status).toBe('cancelled');

    // The same Idempotency-Key names the same run.
    const headers = { 'idempotency-key': `run-${id}` };
    const first = await callJson(gateway, 'POST', '/v1/reprocess', { body: { policy: 'mobile' }, headers });
    const again = await callJson(gateway, 'POST', '/v1/reprocess', { body: { policy: 'mobile' }, headers });
    expect(again.body.run.id).toBe(first.body.run.id);

    const noPolicy = await callJson(gateway, 'POST', '/v1/reprocess', { body: { filter: {} } });
    expect([noPolicy.status, noPolicy.body.error.code]).toEqual([400, 'bad_request']);
    const badFilter = await callJson(gateway, 'POST', '/v1/reprocess', { body: { filter: { limit: 5 }, policy: 'mobile' } });
    expect([badFilter.status, badFilter.body.error.code]).toEqual([400, 'bad_request']);
    const badDate = await callJson(gateway, 'POST', '/v1/reprocess', {
      body: { filter: { createdBefore: 'yesterday' }, policy: 'mobile' },
    });
    expect(badDate.status).toBe(400);
    const token = await mintUploadToken(gateway);
    const byToken = await callJson(gateway, 'POST', '/v1/reprocess', { body: { policy: 'mobile' }, auth: token });
    expect([byToken.status, byToken.body.error.code]).toEqual([403, 'forbidden']);
    for (const path of ['/v1/reprocess/rpr_AAAAAAAAAAAAAAAAAAAAAA', '/v1/reprocess/nope']) {
      const res = await callJson(gateway, 'GET', path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'not_found']);
    }
    expect((await callJson(gateway, 'POST', '/v1/reprocess/rpr_AAAAAAAAAAAAAAAAAAAAAA/cancel')).status).toBe(404);
  });
});
