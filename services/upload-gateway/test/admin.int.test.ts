// Proves the admin surface: Bull Board and the admin routes need the admin key (Bearer, or Basic for browsers; an API key is not enough), Bull Board lists the queues, and failed assets are listed and retried in bulk from the stage that failed, with per-asset errors for those that cannot be.
import { Queue } from 'bullmq';
import { queueNames, stageJobId } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { makeAsset } from '@ingestkit/testkit';
import { ADMIN_KEY, API_KEY, useTestGateway } from './harness';

const gateway = useTestGateway();

const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

it('guards Bull Board with the admin key and lists every queue on it', async () => {
  const anonymous = await fetch(`${gateway.url}/admin/queues`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
  expect((await fetch(`${gateway.url}/admin/queues`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(401);

  const page = await fetch(`${gateway.url}/admin/queues`, { headers: { authorization: basic(ADMIN_KEY) } });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  const api = await fetch(`${gateway.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(api.status).toBe(200);
  const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((queue) => queue.name).sort();
  expect(names).toEqual(
    [
      queueNames.purge,
      queueNames.erase,
      queueNames.importList,
      queueNames.deliver,
      queueNames.optimize,
      queueNames.validate,
    ].sort(),
  );
});

it('lists failed assets and retries them in bulk, each from the stage that failed', async () => {
  const registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
  const failedInOptimize = makeAsset({
    status: 'failed',
    error: { code: 'storage_error', message: 'staging down', stage: 'optimize' },
  });
  const failedInDeliver = makeAsset({
    status: 'failed',
    error: { code: 'destination_error', message: 'S3 down', stage: 'deliver' },
  });
  const ready = makeAsset({ status: 'ready' });
  for (const asset of [failedInOptimize, failedInDeliver, ready]) await registry.create(asset);
  const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

  const listed = await fetch(`${gateway.url}/v1/admin/failed`, { headers: admin });
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { assets: Array<{ id: string }> }).assets.map((asset) => asset.id).sort()).toEqual(
    [failedInOptimize.id, failedInDeliver.id].sort(),
  );

  const refused = await fetch(`${gateway.url}/v1/admin/failed/retry`, {
    method: 'POST',
    headers: { ...admin, authorization: `Bearer ${API_KEY}` },
    body: '{}',
  });
  expect(refused.status).toBe(401);

  const one = await fetch(`${gateway.url}/v1/admin/failed/retry`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ ids: [ready.id] }),
  });
  expect(await one.json()).toEqual({
    retried: [],
    errors: [{ id: ready.id, error: expect.objectContaining({ code: 'conflict' }) }],
  });

  const all = await fetch(`${gateway.url}/v1/admin/failed/retry`, { method: 'POST', headers: admin, body: '{}' });
  expect(all.status).toBe(202);
  const body = (await all.json()) as { retried: string[]; errors: unknown[] };
  expect(body.retried.sort()).toEqual([failedInOptimize.id, failedInDeliver.id].sort());
  expect(body.errors).toEqual([]);
  expect((await registry.get(failedInOptimize.id))?.status).toBe('validating');
  expect((await registry.get(failedInDeliver.id))?.status).toBe('optimizing');
  const optimize = new Queue(queueNames.optimize, { connection: gateway.redis, prefix: gateway.prefix });
  const deliver = new Queue(queueNames.deliver, { connection: gateway.redis, prefix: gateway.prefix });
  expect(await optimize.getJob(stageJobId(failedInOptimize.id, queueNames.optimize))).toBeDefined();
  expect(await deliver.getJob(stageJobId(failedInDeliver.id, queueNames.deliver))).toBeDefined();
  await Promise.all([optimize.close(), deliver.close()]);
});
