// Proves backpressure: with no worker draining, the gateway accepts uploads until the ingest backlog reaches its bound, then answers new multipart uploads and jobs 503 backlog_full with Retry-After before storing anything, while presigned direct uploads keep working; once the backlog drains, uploads are accepted again; and neither a burst faster than the once-a-second count nor a batch of jobs overshoots the bound.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { queueNames } from '@ingestkit/contracts';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { callJson, postUpload, startTestGateway, type TestGateway } from './harness';

const BOUND = 3;
let redis: TestRedis;
let gateway: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url, maxBacklog: BOUND });
});
afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

const stagedOriginals = async () => {
  const staging = join(gateway.dataDir, 'staging');
  const ids = await readdir(staging).catch(() => []);
  return ids.length;
};

it('holds the bound: refuses new uploads and jobs past it with Retry-After, keeps direct uploads, and recovers', async () => {
  const png = await makePng({ width: 16, height: 16 });
  for (let index = 0; index < BOUND; index++) {
    expect((await postUpload(gateway, { files: [{ data: png, name: `${index}.png` }] })).status).toBe(202);
  }
  // The backlog is measured at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const staged = await stagedOriginals();
  expect(staged).toBe(BOUND);

  const refused = await postUpload(gateway, { files: [{ data: png, name: 'more.png' }] });
  expect(refused.status).toBe(503);
  expect(refused.body.error).toMatchObject({ code: 'backlog_full', details: { backlog: BOUND, maxBacklog: BOUND } });
  expect(refused.headers.get('retry-after')).toBe('30');
  const job = await callJson(gateway, 'POST', '/v1/jobs', { body: { source: { url: 'https://images.example/a.jpg' } } });
  expect({ status: job.status, code: job.body.error?.code }).toEqual({ status: 503, code: 'backlog_full' });
  expect(await stagedOriginals()).toBe(staged);

  const presign = await callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'direct.png', contentType: 'image/png', size: png.length },
  });
  expect(presign.status).toBe(201);

  const validate = new Queue(queueNames.validate, { connection: gateway.redis, prefix: gateway.prefix });
  await validate.drain();
  await validate.close();
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect((await postUpload(gateway, { files: [{ data: png, name: 'again.png' }] })).status).toBe(202);
});

it('holds the bound during a burst between two counts of the backlog', async () => {
  // Found by bench/load.js: with only the cached count, every upload in the second after a count
  // below the bound was admitted (bound 100, backlog 178 at 90 uploads/s).
  const burst = await startTestGateway({ redisUrl: redis.url, maxBacklog: BOUND });
  try {
    const png = await makePng({ width: 16, height: 16 });
    const statuses = await Promise.all(
      Array.from(
        { length: BOUND + 4 },
        async (_, index) => (await postUpload(burst, { files: [{ data: png, name: `${index}.png` }] })).status,
      ),
    );
    expect(statuses.filter((status) => status === 202)).toHaveLength(BOUND);
    expect(statuses.filter((status) => status === 503)).toHaveLength(4);
  } finally {
    await burst.close();
  }
});

it('counts every job of an admitted batch before the next count', async () => {
  const batchGateway = await startTestGateway({ redisUrl: redis.url, maxBacklog: BOUND });
  try {
    const jobs = Array.from({ length: BOUND + 1 }, (_, index) => ({ source: { url: `https://images.example/${index}.jpg` } }));
    const batch = await callJson(batchGateway, 'POST', '/v1/jobs/batch', { body: { jobs } });
    expect(batch.status).toBe(202);
    const png = await makePng({ width: 16, height: 16 });
    const next = await postUpload(batchGateway, { files: [{ data: png, name: 'next.png' }] });
    expect({ status: next.status, code: next.body.error?.code }).toEqual({ status: 503, code: 'backlog_full' });
  } finally {
    await batchGateway.close();
  }
});
