// Proves a deleted asset leaves no kept original: the eraser removes it, and a delivery that kept the original and then found its `ready` refused because the asset was deleted meanwhile removes it itself (it never recorded `original.retained`).
import type { Job } from 'bullmq';
import { lifecycle } from '@ingestkit/contracts';
import { createLogger, type StageContext } from '@ingestkit/runtime';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import type { Destination } from '../src/destinations/destination';
import { eraseProcessor } from '../src/erase/erase.processor';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pipeline: TestPipeline;
/** Runs once, after the next delivery put its files and before its `ready` transition. */
let afterPut: ((assetId: string) => Promise<void>) | undefined;

beforeAll(async () => {
  redis = await startRedis();
  pipeline = await startTestPipeline({ redisUrl: redis.url, originals: { retentionDays: 0 } });
  const local = pipeline.stageDeps.destinations.local!;
  const racing: Destination = {
    kind: local.kind,
    async deliver(input) {
      const delivered = await local.deliver(input);
      const hook = afterPut;
      afterPut = undefined;
      await hook?.(input.asset.id);
      return delivered;
    },
    remove: (input) => local.remove(input),
  };
  pipeline.stageDeps.destinations.local = racing;
});
afterAll(async () => {
  await pipeline.close();
  await redis.stop();
});

const context = (): StageContext => ({
  job: {} as Job,
  logger: createLogger({ name: 'test', level: 'silent' }),
  isLastAttempt: false,
});
const tombstone = (assetId: string) =>
  pipeline.registry.transition(assetId, { ...lifecycle.deleted, patch: { deletedAt: new Date().toISOString() } });
const keptFor = (assetId: string) => pipeline.originals!.originals.store.list(pipeline.originals!.originals.prefixOf(assetId));

it('the eraser removes the kept original of a ready asset', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 640, height: 480 }));
  const ready = await pipeline.settled(id, 30_000);
  expect(ready.original?.retained).toBeDefined();
  expect(await keptFor(id)).toHaveLength(1);
  await tombstone(id);
  await eraseProcessor(pipeline.stageDeps).process({ version: 1, assetId: id }, context());
  expect(await keptFor(id)).toEqual([]);
});

it('a delivery refused ready because the asset was deleted meanwhile removes the original it had just kept', async () => {
  let deletedDuringDelivery = '';
  afterPut = async (assetId) => {
    deletedDuringDelivery = assetId;
    // Deleted before the original is kept; the eraser (not run here) may come before or after.
    await tombstone(assetId);
  };
  const id = await pipeline.ingest(await makeJpeg({ width: 640, height: 480 }));
  const deadline = Date.now() + 30_000;
  while ((await pipeline.stagedAfterCleanup(id)).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(deletedDuringDelivery).toBe(id);
  expect((await pipeline.registry.get(id))?.status).toBe('deleted');
  expect(await keptFor(id)).toEqual([]);
});
