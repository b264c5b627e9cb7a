// Proves what GET /v1/purge/:id reports: a purge goes queued → submitted → completed as the emulator finishes it; URLs changed while a wildcard is in flight wait for it and share one more call; 429 bursts and 5xx lose nothing and purge each URL once; a spent budget holds the purge visibly until the budget is raised; a restart in the middle of a batch loses nothing.
import type { Purge } from '@ingestkit/contracts';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { KEYS, purgesCovering, startService as startTestService, until, type TestService } from './harness';

let redis: TestRedis;
let emulator: Emulator;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...KEYS, purgeCompletesAfterMs: 100 });
});
afterEach(() => emulator.setFaults({}));
afterAll(async () => {
  await emulator.close();
  await redis.stop();
});

const startService = (env: Record<string, string> = {}): Promise<TestService> => startTestService(redis.url, emulator, env);

const completed = (service: TestService, id: string, timeoutMs = 5_000): Promise<Purge | undefined> =>
  until(
    () => service.store.get(id),
    (purge) => purge?.status === 'completed',
    timeoutMs,
  );

it('tracks a purge from queued through submitted to completed, with the rule and request id of every URL', async () => {
  const service = await startService();
  try {
    const folder = `${emulator.urlEndpoint}/tracked/shoes`;
    const urls = [1, 2, 3, 4, 5].map((n) => `${folder}/${n}.jpg`);
    const versioned = `${folder}/6.jpg?updatedAt=1700000000000`;
    const purge = await service.request([...urls, versioned]);
    expect(purge.status).toBe('queued');

    const submitted = await until(
      () => service.store.get(purge.id),
      (current) => current?.status !== 'queued',
    );
    expect(submitted?.status).toMatch(/submitted|completed/);
    const done = await completed(service, purge.id);
    const [requestId] = done!.requestIds;
    expect(done!.requestIds).toHaveLength(1);
    expect(emulator.purges().find((record) => record.requestId === requestId)?.url).toBe(`${folder}/*`);
    for (const url of urls) expect(done!.urls).toContainEqual({ url, status: 'completed', rule: `${folder}/*`, requestId });
    expect(done!.urls).toContainEqual({ url: versioned, status: 'completed', versioned: true });
  } finally {
    await service.close();
  }
});

it('defers URLs changed while a wildcard of their folder is in flight, then covers them all with one more call', async () => {
  // A 1 s poll keeps the first wildcard in flight while two more purges of the folder arrive in separate batches.
  const service = await startService({ PURGE_WINDOW_MS: '100', PURGE_POLL_MS: '1000' });
  try {
    const folder = `${emulator.urlEndpoint}/waves/hats`;
    const before = emulator.purges().length;
    const wave = (name: string) => [1, 2, 3, 4, 5].map((n) => `${folder}/${name}-${n}.jpg`);
    const first = await service.request(wave('a'));
    await until(
      () => service.store.get(first.id),
      (purge) => purge?.status === 'submitted' || purge?.status === 'completed',
    );
    const second = await service.request(wave('b'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const third = await service.request(wave('c'));

    for (const purge of [first, second, third]) await completed(service, purge.id, 10_000);
    const calls = emulator.purges().slice(before);
    expect(calls.map((call) => call.url)).toEqual([`${folder}/*`, `${folder}/*`]);
    const metrics = await (await fetch(`${service.running.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestkit_purge_wildcards_total\S* 2/);
    expect(metrics).toMatch(/ingestkit_purge_urls_deduplicated_total\{kind="in_flight"[^}]*\} [1-9]/);
  } finally {
    await service.close();
  }
});

it('purges every URL exactly once through 429 bursts and 5xx answers', async () => {
  const service = await startService({ PURGE_WINDOW_MS: '50', PURGE_COLLAPSE_THRESHOLD: '10000' });
  try {
    emulator.setFaults({ seed: 7, rateLimitRatio: 0.25, serverErrorRatio: 0.25 });
    const before = emulator.purges().length;
    const urls = Array.from({ length: 12 }, (_, n) => `${emulator.urlEndpoint}/faulty/f${n % 3}/${n}.jpg`);
    const purge = await service.request(urls);
    await completed(service, purge.id, 25_000);
    for (const url of urls) expect({ url, purges: purgesCovering(emulator, before, url).length }).toEqual({ url, purges: 1 });
    const counts = await service.queue.getJobCounts('failed', 'waiting', 'active', 'delayed');
    expect(counts).toMatchObject({ failed: 0, waiting: 0, active: 0, delayed: 0 });
    const metrics = await (await fetch(`${service.running.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestkit_purge_api_calls_total\{outcome="(rate_limited|error)"[^}]*\} [1-9]/);
  } finally {
    await service.close();
  }
}, 40_000);

it('holds a purge while the budget is spent, shows it held, and completes it once the budget is raised', async () => {
  const service = await startService({ PURGE_MONTHLY_BUDGET: '0', PURGE_HELD_RETRY_MS: '200' });
  try {
    const before = emulator.purges().length;
    const url = `${emulator.urlEndpoint}/budget/held.jpg`;
    const purge = await service.request([url]);
    await until(
      () => service.store.get(purge.id),
      (current) => current?.status === 'held',
    );
    const metrics = await (await fetch(`${service.running.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestkit_purge_held_total\S* [1-9]/);
    expect(metrics).toMatch(/ingestkit_queue_jobs\{queue="cdn.purge",state="(delayed|active)"[^}]*\} 1/);
    expect(emulator.purges().slice(before)).toEqual([]);

    await service.restart({ PURGE_MONTHLY_BUDGET: '10' });
    await completed(service, purge.id);
    expect(purgesCovering(emulator, before, url)).toHaveLength(1);
  } finally {
    await service.close();
  }
});

it('loses nothing when the service restarts while a batch is still open', async () => {
  const service = await startService({ PURGE_WINDOW_MS: '5000' });
  try {
    const before = emulator.purges().length;
    const urls = [1, 2, 3].map((n) => `${emulator.urlEndpoint}/restart/${n}.jpg`);
    const purge = await service.request(urls);
    await until(
      () => service.queue.getJobCounts('active'),
      (counts) => counts.active === 3,
    );
    await service.restart({ PURGE_WINDOW_MS: '100' });
    await completed(service, purge.id);
    for (const url of urls) expect(purgesCovering(emulator, before, url)).toHaveLength(1);
  } finally {
    await service.close();
  }
});
