// Proves a tus upload is queued exactly once: a finish that runs again, and sweeps that find the
// bytes all there (the gateway died before the finish), concurrently, add one validate job.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { createIngestQueues, closeQueues, createLogger, type IngestQueues } from '@ingestkit/runtime';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createIntake } from '../src/intake/intake';
import { createTusLedger, type TusLedger } from '../src/tus/tus-ledger';
import { createTusDatastore } from '../src/tus/tus-store';
import { createTusSweeper } from '../src/tus/tus-sweeper';
import { API_KEY, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let queues: IngestQueues;
let ledger: TusLedger;
let sweeper: ReturnType<typeof createTusSweeper>;
let png: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url });
  queues = createIngestQueues({ connection: gateway.redis, prefix: gateway.prefix });
  const registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
  const logger = createLogger({ name: 'tus-test', level: 'silent' });
  const intake = createIntake({ registry, validateQueue: queues.validate, defaultDestination: 'local', logger });
  ledger = createTusLedger({ intake, registry, staging: gateway.staging, redis: gateway.redis, prefix: gateway.prefix });
  sweeper = createTusSweeper({
    ledger,
    datastore: createTusDatastore({ driver: 'local', root: gateway.dataDir }, 3_600_000),
    registry,
    expireAfterSeconds: 3600,
    logger,
  });
  png = await makePng({ width: 64, height: 48 });
});
afterAll(async () => {
  await closeQueues(queues);
  await gateway.close();
  await redis.stop();
});

const tus = { authorization: `Bearer ${API_KEY}`, 'tus-resumable': '1.0.0' };
const validateJobs = async () => Object.values(await queues.validate.getJobCounts()).reduce((sum, count) => sum + count, 0);
const statusOf = async (id: string) =>
  (
    (await (await fetch(`${gateway.url}/v1/assets/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
      asset: { status: string };
    }
  ).asset.status;
const create = async () => {
  const res = await fetch(`${gateway.url}/v1/tus`, { method: 'POST', headers: { ...tus, 'upload-length': String(png.length) } });
  expect(res.status).toBe(201);
  return { location: res.headers.get('location')!, assetId: res.headers.get('ingest-asset-id')! };
};

it('queues an upload once when its finish runs again', async () => {
  const { location, assetId } = await create();
  const patched = await fetch(location, {
    method: 'PATCH',
    headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    body: png,
  });
  expect(patched.status).toBe(204);
  expect(await statusOf(assetId)).toBe('queued');
  const jobs = await validateJobs();
  await Promise.all([ledger.finish(assetId), ledger.finish(assetId)]);
  expect(await sweeper.sweep()).toEqual({ completed: 0, expired: 0 });
  expect(await validateJobs()).toBe(jobs);
  expect(await statusOf(assetId)).toBe('queued');
});

it('queues an upload whose finish never ran once, however many sweeps find it', async () => {
  const { assetId } = await create();
  await writeFile(join(gateway.dataDir, 'staging', assetId, 'original'), png);
  expect(await statusOf(assetId)).toBe('awaiting_upload');
  const jobs = await validateJobs();
  const results = await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
  expect(results.reduce((sum, result) => sum + result.expired, 0)).toBe(0);
  expect(results.reduce((sum, result) => sum + result.completed, 0)).toBe(1);
  expect(await statusOf(assetId)).toBe('queued');
  expect(await validateJobs()).toBe(jobs + 1);
  expect(await sweeper.sweep()).toEqual({ completed: 0, expired: 0 });
});

it('refuses a request without Tus-Resumable with 412 tus_version_unsupported, as documented', async () => {
  const { location } = await create();
  const res = await fetch(location, { method: 'HEAD', headers: { authorization: `Bearer ${API_KEY}` } });
  expect(res.status).toBe(412);
  const created = await fetch(`${gateway.url}/v1/tus`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'upload-length': String(png.length) },
  });
  expect(created.status).toBe(412);
  expect(((await created.json()) as { error: { code: string } }).error.code).toBe('tus_version_unsupported');
});
