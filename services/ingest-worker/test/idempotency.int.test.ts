// Proves every stage is safe to run again (BullMQ delivers at least once): a ready asset is not re-processed, re-delivered or left with staging behind.
import type { Job } from 'bullmq';
import { IngestError, stagingKeys } from '@ingestkit/contracts';
import { createLogger, type StageContext } from '@ingestkit/runtime';
import { makeAsset, makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { ingestPipeline } from '../src/register';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pipeline: TestPipeline;
beforeAll(async () => {
  redis = await startRedis();
  pipeline = await startTestPipeline({ redisUrl: redis.url });
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

it('runs every stage of a ready asset again without changing it or its delivered file', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 900, height: 600 }));
  const ready = await pipeline.settled(id);
  expect(ready.status).toBe('ready');
  const delivered = await pipeline.staging.head(ready.output!.key);

  for (const stage of ingestPipeline(pipeline.stageDeps)) await stage.process({ version: 1, assetId: id }, context());

  const after = await pipeline.registry.get(id);
  expect(after).toEqual(ready);
  expect(await pipeline.staging.head(ready.output!.key)).toEqual(delivered);
  expect(ready.output!.variants!.length).toBeGreaterThan(0);
  const keys = (await pipeline.staging.list(`assets/${id}/`)).map((object) => object.key).sort();
  expect(keys).toEqual([ready.output!.key, ...ready.output!.variants!.map((variant) => variant.key)].sort());
});

it('finishes the staging cleanup that a crash after `ready` left undone', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 300, height: 200 }));
  expect((await pipeline.settled(id)).status).toBe('ready');
  await pipeline.staging.put({ key: stagingKeys.optimized(id, 'default.webp'), body: Buffer.from('left behind') });

  const deliver = ingestPipeline(pipeline.stageDeps).find((stage) => stage.queue === 'ingest.deliver')!;
  await deliver.process({ version: 1, assetId: id }, context());

  expect(await pipeline.staging.list(stagingKeys.prefix(id))).toEqual([]);
});

it('does not fail an asset that moved on when an earlier stage job fails for good (found by the chaos suite)', async () => {
  // The optimize job queued the delivery, then its worker was killed before the job completed;
  // after too many such stalls BullMQ fails it with worker_lost while the asset is being delivered.
  const asset = makeAsset({ status: 'delivering' });
  await pipeline.registry.create(asset);
  const [validate, optimize] = ingestPipeline(pipeline.stageDeps);
  const lost = new IngestError('worker_lost', 'the worker running this job died too many times');
  await optimize!.onFinalFailure!({ version: 1, assetId: asset.id }, lost, context());
  await validate!.onFinalFailure!({ version: 1, assetId: asset.id }, lost, context());
  expect((await pipeline.registry.get(asset.id))?.status).toBe('delivering');

  const deliver = ingestPipeline(pipeline.stageDeps).find((stage) => stage.queue === 'ingest.deliver')!;
  await deliver.onFinalFailure!({ version: 1, assetId: asset.id }, lost, context());
  expect(await pipeline.registry.get(asset.id)).toMatchObject({
    status: 'failed',
    error: { code: 'worker_lost', stage: 'deliver' },
  });
});
