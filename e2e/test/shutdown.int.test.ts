// Proves graceful shutdown: SIGTERM while the worker is in the middle of jobs lets the running jobs finish within the deadline and exits 0, leaves no job active (so none waits for stall recovery), and the restarted system takes every accepted asset to ready.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { ingestQueues } from '@ingestkit/contracts';
import { deletePrefix, makeJpeg, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { startIngestkit } from './ingestkit-process';

jest.setTimeout(180_000);

const auth = { authorization: 'Bearer dev-key' };
const SHUTDOWN_TIMEOUT_MS = 30_000;

let redis: TestRedis;
let dataDir: string;
const prefix = uniquePrefix('e2e-shutdown');

beforeAll(async () => {
  redis = await startRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-shutdown-'));
});
afterAll(async () => {
  await deletePrefix(redis.url, prefix);
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function statusOf(gatewayUrl: string, location: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}${location}`, { headers: auth });
  return ((await response.json()) as { asset: { status: string } }).asset.status;
}

it('finishes running jobs on SIGTERM, leaves none active, and loses no asset across the restart', async () => {
  const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
  const queues = ingestQueues.map((name) => new Queue(name, { connection: { url: redis.url }, prefix }));
  const active = async () => (await Promise.all(queues.map((queue) => queue.getActiveCount()))).reduce((a, b) => a + b, 0);
  try {
    const first = await startIngestkit({ ...env, WORKER_CONCURRENCY: '2' });
    const locations: string[] = [];
    for (let index = 0; index < 6; index++) {
      const form = new FormData();
      form.append(
        'file',
        new Blob([await makeJpeg({ width: 3000, height: 2000 })], { type: 'image/jpeg' }),
        `photo-${index}.jpg`,
      );
      const accepted = await fetch(`${first.gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
      expect(accepted.status).toBe(202);
      locations.push(accepted.headers.get('location')!);
    }
    const deadline = Date.now() + 30_000;
    while ((await active()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await active()).toBeGreaterThan(0);

    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // Every job that was running finished (or went back to waiting): none is left active for stall recovery.
    expect(await active()).toBe(0);

    const second = await startIngestkit(env);
    try {
      const statuses = async () => Promise.all(locations.map((location) => statusOf(second.gatewayUrl, location)));
      const until = Date.now() + 90_000;
      let current = await statuses();
      while (current.some((status) => status !== 'ready') && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        current = await statuses();
      }
      expect(current).toEqual(locations.map(() => 'ready'));
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
});
