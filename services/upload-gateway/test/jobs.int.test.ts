// Proves POST /v1/jobs and /v1/jobs/batch record queued assets with their source and report invalid items one by one.
import { Queue } from 'bullmq';
import { queueNames, stageJobId } from '@ingestkit/contracts';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { callJson, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url, settings: { sources: { buckets: ['imports'] } } });
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

it('accepts a URL job: a queued asset with its source, named after the URL, and its validate job', async () => {
  const res = await callJson(gateway, 'POST', '/v1/jobs', {
    body: { source: { url: 'https://images.example/a/Sunset%20View.jpg?x=1' }, folder: 'imports', tags: ['bulk'] },
  });
  expect(res.status).toBe(202);
  const asset = res.body.asset;
  expect(res.headers.get('location')).toBe(`/v1/assets/${asset.id}`);
  expect(asset).toMatchObject({
    status: 'queued',
    source: { url: 'https://images.example/a/Sunset%20View.jpg?x=1' },
    fileName: 'Sunset_View.jpg',
    folder: 'imports',
    tags: ['bulk'],
  });
  expect(asset.original).toBeUndefined();
  const queue = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix: gateway.prefix });
  expect(await queue.getJob(stageJobId(asset.id, queueNames.validate))).toBeDefined();
  await queue.close();
});

it('accepts an S3 job from an allowed bucket and refuses other buckets with source_forbidden', async () => {
  const ok = await callJson(gateway, 'POST', '/v1/jobs', { body: { source: { bucket: 'imports', key: 'x/../y/photo.png' } } });
  expect(ok.status).toBe(202);
  expect(ok.body.asset).toMatchObject({ source: { bucket: 'imports', key: 'x/../y/photo.png' }, fileName: 'photo.png' });
  const refused = await callJson(gateway, 'POST', '/v1/jobs', { body: { source: { bucket: 'secrets', key: 'a.jpg' } } });
  expect(refused.status).toBe(422);
  expect(refused.body.error.code).toBe('source_forbidden');
});

it('refuses sources that are not http(s) URLs or bucket/key pairs with 400', async () => {
  for (const source of [{ url: 'file:///etc/passwd' }, { url: 'gopher://x' }, { bucket: 'imports' }, {}]) {
    const res = await callJson(gateway, 'POST', '/v1/jobs', { body: { source } });
    expect([source, res.status]).toEqual([source, 400]);
  }
});

it('accepts the valid items of a batch and reports each invalid one by index', async () => {
  const res = await callJson(gateway, 'POST', '/v1/jobs/batch', {
    body: {
      jobs: [
        { source: { url: 'https://images.example/1.jpg' } },
        { source: { url: 'ftp://images.example/2.jpg' } },
        { source: { url: 'https://images.example/3.jpg' }, fileName: '../../../etc/\u0000passwd' },
        { source: { bucket: 'secrets', key: '4.jpg' } },
        'not an object',
      ],
    },
  });
  expect(res.status).toBe(202);
  expect(res.body.assets).toHaveLength(2);
  expect(res.body.assets[1].fileName).toBe('passwd');
  expect(res.body.errors.map((e: { index: number; error: { code: string } }) => [e.index, e.error.code])).toEqual([
    [1, 'bad_request'],
    [3, 'source_forbidden'],
    [4, 'bad_request'],
  ]);
});

it('gives a batch retried after a crash lost its answer the assets its first try created, item by item', async () => {
  const body = {
    jobs: [{ source: { url: 'https://images.example/r1.jpg' } }, { source: { url: 'https://images.example/r2.jpg' } }],
  };
  const send = () => callJson(gateway, 'POST', '/v1/jobs/batch', { body, headers: { 'idempotency-key': 'batch-crash-1' } });
  const assets = async () => (await gateway.redis.keys(`${gateway.prefix}:asset:*`)).length;
  const before = await assets();
  const first = await send();
  expect(first.status).toBe(202);
  // What a gateway killed between creating the assets and storing the answer leaves: the assets, no record.
  for (const key of await gateway.redis.keys(`${gateway.prefix}:idempotency:*`)) await gateway.redis.del(key);
  const retried = await send();
  expect(retried.status).toBe(202);
  expect(retried.headers.get('idempotent-replayed')).toBeNull();
  const ids = (res: { body: { assets: Array<{ id: string }> } }) => res.body.assets.map((asset) => asset.id);
  expect(ids(retried)).toEqual(ids(first));
  expect(new Set(ids(first)).size).toBe(2);
  expect(await assets()).toBe(before + 2);
});

it('accepts 1000 jobs in one batch and refuses 1001 with 400', async () => {
  const jobs = (n: number) => Array.from({ length: n }, (_, i) => ({ source: { url: `https://images.example/${i}.jpg` } }));
  const thousand = await callJson(gateway, 'POST', '/v1/jobs/batch', { body: { jobs: jobs(1000) } });
  expect(thousand.status).toBe(202);
  expect(thousand.body.assets).toHaveLength(1000);
  expect(new Set(thousand.body.assets.map((a: { id: string }) => a.id)).size).toBe(1000);
  const tooMany = await callJson(gateway, 'POST', '/v1/jobs/batch', { body: { jobs: jobs(1001) } });
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.error.code).toBe('bad_request');
});
