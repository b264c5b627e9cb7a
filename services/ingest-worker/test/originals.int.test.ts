// Proves originals are kept after delivery: the exact uploaded bytes (a direct upload's SHA-256 computed in validation), one copy per asset whatever repeats or crashes, none with originals off, and expired ones removed by the retention sweeper through its index.
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { queueNames, stagingKeys } from '@ingestkit/contracts';
import { createLogger, createQueue, type StageContext } from '@ingestkit/runtime';
import { makeAsset, makeJpeg, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createRetentionSweeper } from '../src/originals/retention-sweeper';
import { deliverStage } from '../src/stages/deliver.stage';
import { optimizeStage } from '../src/stages/optimize.stage';
import type { StageDeps } from '../src/stages/stage-deps';
import { validateStage } from '../src/stages/validate.stage';
import { startTestPipeline, type TestPipeline } from './harness';

jest.setTimeout(60_000);

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const logger = createLogger({ name: 'test', level: 'silent' });
const context = (): StageContext => ({ job: {} as Job, logger, isLastAttempt: false });

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('originals kept for ever (local store)', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ redisUrl: redis.url, originals: { retentionDays: 0 } });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('keeps the exact bytes of an upload whose SHA-256 the gateway computed, recorded with ready, and empties staging', async () => {
    const data = await makeJpeg({ width: 640, height: 480 });
    const id = await pipeline.ingest(data);
    const ready = await pipeline.settled(id);
    expect(ready.status).toBe('ready');
    const { originals } = pipeline.originals!;
    expect(ready.original).toMatchObject({ sha256: sha256(data), retained: { key: originals.keyOf(id) } });
    expect(ready.original!.retained!.expiresAt).toBeUndefined();
    expect(Date.parse(ready.original!.retained!.storedAt)).toBeLessThanOrEqual(Date.parse(ready.updatedAt));
    const kept = await readAll(await originals.store.get(ready.original!.retained!.key));
    expect(kept.equals(data)).toBe(true);
    expect(await pipeline.stagedAfterCleanup(id)).toEqual([]);
  });

  it('computes the SHA-256 of a direct upload while validating it, and keeps its exact bytes', async () => {
    const data = await makeJpeg({ width: 320, height: 240 });
    const id = await pipeline.ingest(data, { withoutSha256: true });
    const ready = await pipeline.settled(id);
    expect(ready.status).toBe('ready');
    expect(ready.original!.sha256).toBe(sha256(data));
    const kept = await readAll(await pipeline.originals!.originals.store.get(ready.original!.retained!.key));
    expect(sha256(kept)).toBe(sha256(data));
  });

  it('keeps one original, unchanged, when the deliver job runs again', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 200, height: 200 }));
    const ready = await pipeline.settled(id);
    const deliver = deliverStage(pipeline.stageDeps);
    await deliver.process({ version: 1, assetId: id }, context());
    await deliver.process({ version: 1, assetId: id }, context());
    expect(await pipeline.registry.get(id)).toEqual(ready);
    const { originals } = pipeline.originals!;
    expect((await originals.store.list(originals.prefixOf(id))).map((object) => object.key)).toEqual([originals.keyOf(id)]);
  });

  it('survives a crash between keeping the original and recording it: the retry records the one copy', async () => {
    // Stages run by hand, with queues nobody consumes, so the asset waits where the test puts it.
    const quietPrefix = uniquePrefix('quiet');
    const queues = {
      optimize: createQueue(queueNames.optimize, { connection: pipeline.redis, prefix: quietPrefix }),
      deliver: createQueue(queueNames.deliver, { connection: pipeline.redis, prefix: quietPrefix }),
    };
    const deps: StageDeps = { ...pipeline.stageDeps, queues };
    try {
      const data = await makeJpeg({ width: 300, height: 300 });
      const asset = makeAsset();
      asset.original = { key: stagingKeys.original(asset.id), bytes: data.length }; // a direct upload: no SHA-256 yet
      await pipeline.staging.put({ key: asset.original.key, body: data });
      await pipeline.registry.create(asset);
      await validateStage(deps).process({ version: 1, assetId: asset.id }, context());
      expect((await pipeline.registry.get(asset.id))!.original!.sha256).toBe(sha256(data));
      await optimizeStage(deps).process({ version: 1, assetId: asset.id }, context());

      const killedBeforeReady: StageDeps = {
        ...deps,
        registry: {
          ...deps.registry,
          transition: async (id, input) => {
            if (input.to === 'ready') throw new Error('worker killed');
            return deps.registry.transition(id, input);
          },
        },
      };
      await expect(deliverStage(killedBeforeReady).process({ version: 1, assetId: asset.id }, context())).rejects.toThrow(
        'worker killed',
      );
      const { originals } = pipeline.originals!;
      expect(await originals.store.head(originals.keyOf(asset.id))).not.toBeNull();
      expect((await pipeline.registry.get(asset.id))!.original!.retained).toBeUndefined();
      expect(await pipeline.staging.head(asset.original!.key)).not.toBeNull();

      await deliverStage(deps).process({ version: 1, assetId: asset.id }, context()); // BullMQ's retry
      const ready = (await pipeline.registry.get(asset.id))!;
      expect(ready).toMatchObject({
        status: 'ready',
        original: { sha256: sha256(data), retained: { key: originals.keyOf(asset.id) } },
      });
      expect((await originals.store.list(originals.prefixOf(asset.id))).length).toBe(1);
      expect(sha256(await readAll(await originals.store.get(originals.keyOf(asset.id))))).toBe(sha256(data));
      expect(await pipeline.staging.list(stagingKeys.prefix(asset.id))).toEqual([]);
    } finally {
      await Promise.all([queues.optimize.obliterate({ force: true }), queues.deliver.obliterate({ force: true })]);
      await Promise.all([queues.optimize.close(), queues.deliver.close()]);
    }
  });
});

describe('a kept copy that differs from the upload', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ redisUrl: redis.url, originals: { retentionDays: 0 } });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('is deleted and the delivery fails retryably (storage_error), leaving the asset undelivered', async () => {
    const quietPrefix = uniquePrefix('quiet');
    const queues = {
      optimize: createQueue(queueNames.optimize, { connection: pipeline.redis, prefix: quietPrefix }),
      deliver: createQueue(queueNames.deliver, { connection: pipeline.redis, prefix: quietPrefix }),
    };
    const deps: StageDeps = { ...pipeline.stageDeps, queues };
    try {
      const data = await makeJpeg({ width: 120, height: 80 });
      const asset = makeAsset();
      // What the gateway hashed is not what staging holds (a corrupted copy on the way).
      asset.original = { key: stagingKeys.original(asset.id), bytes: data.length, sha256: sha256(Buffer.from('other bytes')) };
      await pipeline.staging.put({ key: asset.original.key, body: data });
      await pipeline.registry.create(asset);
      await validateStage(deps).process({ version: 1, assetId: asset.id }, context());
      await optimizeStage(deps).process({ version: 1, assetId: asset.id }, context());
      await expect(deliverStage(deps).process({ version: 1, assetId: asset.id }, context())).rejects.toMatchObject({
        code: 'storage_error',
        retryable: true,
      });
      const { originals } = pipeline.originals!;
      expect(await originals.store.head(originals.keyOf(asset.id))).toBeNull();
      expect((await pipeline.registry.get(asset.id))!.status).toBe('delivering');
      expect(await pipeline.staging.head(asset.original.key)).not.toBeNull();
    } finally {
      await Promise.all([queues.optimize.obliterate({ force: true }), queues.deliver.obliterate({ force: true })]);
      await Promise.all([queues.optimize.close(), queues.deliver.close()]);
    }
  });
});

describe('originals off', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('keeps none: the ready asset records no retained original and staging is emptied as before', async () => {
    const data = await makeJpeg({ width: 200, height: 100 });
    const id = await pipeline.ingest(data, { withoutSha256: true });
    const ready = await pipeline.settled(id);
    expect(ready.status).toBe('ready');
    expect(ready.original!.retained).toBeUndefined();
    expect(ready.original!.sha256).toBe(sha256(data));
    expect(await pipeline.stagedAfterCleanup(id)).toEqual([]);
    expect(await pipeline.staging.list('originals/')).toEqual([]);
  });
});

describe('retention', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ redisUrl: redis.url, originals: { retentionDays: 2 } });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('indexes the expiry when keeping the original, and the sweeper removes it only once it is due', async () => {
    const data = await makeJpeg({ width: 256, height: 256 });
    const id = await pipeline.ingest(data);
    const ready = await pipeline.settled(id);
    const retained = ready.original!.retained!;
    const expiresAt = Date.parse(retained.expiresAt!);
    expect(expiresAt - Date.parse(retained.storedAt)).toBe(2 * 24 * 3600 * 1000);
    const kept = pipeline.originals!;
    expect(await kept.index.expiryOf(id)).toBe(expiresAt);
    const sweeper = createRetentionSweeper({ registry: pipeline.registry, kept, logger });

    expect(await sweeper.sweep(expiresAt - 1)).toEqual({ expired: 0, rescheduled: 0, deferred: 0 });
    expect(await kept.originals.store.head(retained.key)).not.toBeNull();

    expect(await sweeper.sweep(expiresAt)).toEqual({ expired: 1, rescheduled: 0, deferred: 0 });
    expect(await kept.originals.store.head(retained.key)).toBeNull();
    const after = (await pipeline.registry.get(id))!;
    expect(after.original!.retained).toBeUndefined();
    expect(after.original).toMatchObject({ sha256: sha256(data), key: ready.original!.key, bytes: data.length });
    expect(after.status).toBe('ready');
    expect(await kept.index.expiryOf(id)).toBeNull();
    expect(await sweeper.sweep(expiresAt + 1)).toEqual({ expired: 0, rescheduled: 0, deferred: 0 });
  });

  it('removes a copy the asset never recorded (the worker died after indexing it), and moves an entry its asset outlives', async () => {
    const kept = pipeline.originals!;
    const sweeper = createRetentionSweeper({ registry: pipeline.registry, kept, logger });
    const now = Date.now() + 10 * 24 * 3600 * 1000;
    // An orphan: indexed and copied, never recorded; its asset ended failed.
    const orphan = makeAsset({ status: 'failed' });
    await pipeline.registry.create(orphan);
    await kept.originals.store.put({ key: kept.originals.keyOf(orphan.id), body: Buffer.from('orphan bytes') });
    await kept.index.add(orphan.id, new Date(now - 1000).toISOString());
    // An asset kept again later than its entry says: the asset's own expiry wins.
    const later = new Date(now + 3600_000).toISOString();
    const rekept = makeAsset({
      status: 'ready',
      original: {
        key: 'staging/x/original',
        bytes: 1,
        retained: { key: kept.originals.keyOf('x'), storedAt: new Date().toISOString(), expiresAt: later },
      },
    });
    await pipeline.registry.create(rekept);
    await kept.index.add(rekept.id, new Date(now - 1000).toISOString());

    expect(await sweeper.sweep(now)).toEqual({ expired: 1, rescheduled: 1, deferred: 0 });
    expect(await kept.originals.store.list(kept.originals.prefixOf(orphan.id))).toEqual([]);
    expect(await kept.index.expiryOf(orphan.id)).toBeNull();
    expect(await kept.index.expiryOf(rekept.id)).toBe(Date.parse(later));
    expect((await pipeline.registry.get(rekept.id))!.original!.retained!.expiresAt).toBe(later);
  });
});
