// Proves POST /v1/assets/:id/retry resumes a failed asset at the stage that failed — retrying the failed BullMQ job in place, or adding it again when retention removed it — and refuses anything not failed.
import { UnrecoverableError, Worker } from 'bullmq';
import { newAssetId, queueNames, stageJobId, type Asset, type Stage } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { createIngestQueues, closeQueues, enqueueStage } from '@ingestkit/runtime';
import { makeAsset } from '@ingestkit/testkit';
import { API_KEY, useTestGateway } from './harness';

const gateway = useTestGateway();

const registry = () => createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
const retry = (id: string) =>
  fetch(`${gateway.url}/v1/assets/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` } });

async function createAsset(status: Asset['status'], stage?: Stage): Promise<string> {
  const asset = makeAsset({ status, ...(stage ? { error: { code: 'destination_error', message: 'ImageKit 503', stage } } : {}) });
  await registry().create(asset);
  return asset.id;
}

it('retries the failed job of the failed stage in place, after putting the asset back before that stage', async () => {
  const id = await createAsset('failed', 'deliver');
  const queues = createIngestQueues({ connection: gateway.redis, prefix: gateway.prefix });
  await enqueueStage(queues.deliver, { version: 1, assetId: id });
  const failer = new Worker(
    queueNames.deliver,
    async () => {
      throw new UnrecoverableError('down');
    },
    { connection: { url: gateway.redisUrl }, prefix: gateway.prefix },
  );
  const jobId = stageJobId(id, queueNames.deliver);
  while ((await queues.deliver.getJobState(jobId)) !== 'failed') await new Promise((resolve) => setTimeout(resolve, 20));
  await failer.close();

  const res = await retry(id);
  expect(res.status).toBe(202);
  expect(((await res.json()) as { asset: Asset }).asset).toMatchObject({ id, status: 'optimizing' });
  expect((await registry().get(id))?.error).toBeUndefined();
  expect(await queues.deliver.getJobState(jobId)).toBe('waiting');
  expect((await queues.deliver.getJob(jobId))?.attemptsMade).toBe(0);
  await closeQueues(queues);
});

it('adds the job again when retention already removed it', async () => {
  const id = await createAsset('failed', 'optimize');
  expect((await retry(id)).status).toBe(202);
  const queues = createIngestQueues({ connection: gateway.redis, prefix: gateway.prefix });
  expect(await queues.optimize.getJobState(stageJobId(id, queueNames.optimize))).toBe('waiting');
  expect((await registry().get(id))?.status).toBe('validating');
  await closeQueues(queues);
});

it('refuses a rejected or in-flight asset with 409 and an unknown one with 404', async () => {
  const rejected = await createAsset('rejected', 'validate');
  const res = await retry(rejected);
  expect(res.status).toBe(409);
  expect(await res.json()).toMatchObject({ error: { code: 'conflict', details: { status: 'rejected' } } });
  expect((await retry(await createAsset('optimizing'))).status).toBe(409);
  expect((await retry(newAssetId())).status).toBe(404);
});
