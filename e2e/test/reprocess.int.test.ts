// Reprocessing end to end on real Redis and local stores: the gateway's routes and run driver, a
// worker delivering to the local destination. One asset under another policy (new URLs, old
// outputs removed only once it is ready), and bulk runs that count exactly, can be cancelled and
// survive their driver being stopped mid-way, even between claiming an asset and starting it.
import { isReprocessing, type Asset } from '@ingestkit/contracts';
import type { Destination } from '@ingestkit/ingest-worker';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createRunStore } from '@ingestkit/upload-gateway';
import { startReprocessStack, type ReprocessStack } from './reprocess-stack';

jest.setTimeout(180_000);

const policies = {
  'old-jpeg': { kind: 'delivery' as const, format: 'jpeg' as const, quality: 60, variantWidths: [96], placeholder: false },
  'new-webp': { kind: 'delivery' as const, format: 'webp' as const, quality: 80, variantWidths: [120], placeholder: false },
  'webp-low': { kind: 'delivery' as const, format: 'webp' as const, quality: 30, variantWidths: [120], placeholder: false },
};

let redis: TestRedis;
let stack: ReprocessStack;
let jpeg: Buffer;
/** Per reprocessed asset: whether every old key was still there when the new output was being delivered. */
const oldKeysAtDelivery = new Map<string, boolean>();

beforeAll(async () => {
  redis = await startRedis();
  // At quality 95, so every policy's encode is smaller and keeps the policy's format (never larger).
  jpeg = await makeJpeg({ width: 240, height: 160, quality: 95 });
  stack = await startReprocessStack(redis.url, {
    policies,
    maxInFlight: 3,
    wrapLocal: (local): Destination => ({
      kind: local.kind,
      remove: (input) => local.remove(input),
      async deliver(input) {
        const previous = input.asset.reprocessing?.completedAt ? [] : (input.asset.reprocessing?.previousOutputs ?? []);
        if (previous.length > 0) {
          const keys = previous.flatMap((output) => [output.key, ...(output.variants ?? []).map((variant) => variant.key)]);
          const present = await Promise.all(keys.map((key) => stack.store.head(key)));
          oldKeysAtDelivery.set(
            input.asset.id,
            present.every((info) => info !== null),
          );
        }
        return local.deliver(input);
      },
    }),
  });
});

afterAll(async () => {
  await stack.close();
  await redis.stop();
});

const keysOf = (asset: Asset) => [asset.output!.key, ...(asset.output!.variants ?? []).map((variant) => variant.key)];
/** Not in the pipeline: ready with any reprocess completed, or failed or rejected. */
const isOver = (asset: Asset) =>
  ['ready', 'failed', 'rejected'].includes(asset.status) && (asset.status !== 'ready' || !isReprocessing(asset));

/** Uploads, waits for ready, keeps the original: an asset that can be reprocessed. */
async function readyKept(fields: Record<string, string>): Promise<Asset> {
  const id = await stack.upload(jpeg, fields);
  const ready = await stack.until(id, (asset) => asset.status === 'ready');
  await stack.keep(id, jpeg);
  return ready;
}

describe('one asset', () => {
  it('goes live under the new policy with new URLs; its old outputs are removed only once it is ready', async () => {
    const before = await readyKept({ policy: 'old-jpeg', folder: 'single' });
    expect(before.output).toMatchObject({ format: 'jpeg', policy: 'old-jpeg' });
    const oldKeys = keysOf(before);
    expect(oldKeys.length).toBeGreaterThan(1); // the main file and its variants
    for (const key of oldKeys) expect(await stack.store.head(key)).not.toBeNull();

    const res = await stack.call('POST', `/v1/assets/${before.id}/reprocess`, { policy: 'new-webp' });
    expect(res.status).toBe(202);
    const after = await stack.until(
      before.id,
      (asset) => asset.status === 'ready' && asset.reprocessing?.completedAt !== undefined,
    );

    expect(after.policy).toBe('new-webp');
    expect(after.output).toMatchObject({ format: 'webp', policy: 'new-webp' });
    expect(after.output!.url).toMatch(/\.webp\?v=[0-9a-f]{16}$/);
    expect(after.output!.url).not.toBe(before.output!.url);
    expect(oldKeysAtDelivery.get(before.id)).toBe(true); // still served while the new output was delivered
    for (const key of oldKeys) expect(await stack.store.head(key)).toBeNull();
    for (const key of keysOf(after)) expect(await stack.store.head(key)).not.toBeNull();
    expect(after.reprocessing).toMatchObject({ previousOutputs: [] });
    // Exactly one more asset.ready: the reprocess's, carrying the new URL (completion records none).
    expect(await stack.notificationCount(before.id)).toBe(2);
    expect((await stack.call('GET', `/v1/assets/${before.id}`)).body.asset.output.url).toBe(after.output!.url);
  });

  it('keeps a key the new output reuses, with new bytes under a new ?v= URL', async () => {
    const before = await readyKept({ policy: 'new-webp', folder: 'single' });
    expect((await stack.call('POST', `/v1/assets/${before.id}/reprocess`, { policy: 'webp-low' })).status).toBe(202);
    const after = await stack.until(
      before.id,
      (asset) => asset.status === 'ready' && asset.reprocessing?.completedAt !== undefined,
    );
    expect(after.output!.key).toBe(before.output!.key);
    expect(after.output!.url).not.toBe(before.output!.url);
    expect(after.output!.bytes).toBeLessThan(before.output!.bytes);
    expect((await stack.store.head(after.output!.key))?.bytes).toBe(after.output!.bytes);
    for (const key of keysOf(after)) expect(await stack.store.head(key)).not.toBeNull();
  });

  it('answers 409 original_unavailable for an asset whose original was not kept', async () => {
    const id = await stack.upload(jpeg, { policy: 'old-jpeg' });
    await stack.until(id, (asset) => asset.status === 'ready');
    const res = await stack.call('POST', `/v1/assets/${id}/reprocess`, { policy: 'new-webp' });
    expect([res.status, res.body.error.code]).toEqual([409, 'original_unavailable']);
  });
});

describe('bulk runs', () => {
  /** Runs until the run's status is not `running`; its final view. */
  async function finished(runId: string, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { run } = (await stack.call('GET', `/v1/reprocess/${runId}`)).body;
      if (run.status !== 'running') return run;
      if (Date.now() > deadline) throw new Error(`run still running: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('reprocesses exactly the filtered assets, each once, counting those without a kept original as failed', async () => {
    const inside = await Promise.all(
      Array.from({ length: 24 }, () => readyKept({ policy: 'old-jpeg', folder: 'bulk-a', tags: 'x' })),
    );
    const outside = await Promise.all(
      Array.from({ length: 4 }, () => readyKept({ policy: 'old-jpeg', folder: 'bulk-b', tags: 'x' })),
    );
    const notKept = await Promise.all(
      Array.from({ length: 2 }, async () => {
        const id = await stack.upload(jpeg, { policy: 'old-jpeg', folder: 'bulk-a', tags: 'x' });
        return stack.until(id, (asset) => asset.status === 'ready');
      }),
    );
    const res = await stack.call('POST', '/v1/reprocess', { filter: { folder: 'bulk-a', tag: 'x' }, policy: 'new-webp' });
    expect(res.status).toBe(202);
    const run = await finished(res.body.run.id);
    expect(run).toMatchObject({ status: 'done', listed: true, total: 26, done: 24, failed: 2, remaining: 0 });
    expect(run.errors).toEqual({ original_unavailable: 2 });
    for (const asset of inside) {
      const now = (await stack.registry.get(asset.id))!;
      expect([asset.id, now.policy, now.output?.format, now.reprocessing?.runId]).toEqual([asset.id, 'new-webp', 'webp', run.id]);
      expect(await stack.notificationCount(asset.id)).toBe(2);
      for (const key of keysOf(asset)) expect(await stack.store.head(key)).toBeNull();
    }
    for (const asset of [...outside, ...notKept]) {
      const now = (await stack.registry.get(asset.id))!;
      expect([now.policy, now.output?.url, now.reprocessing]).toEqual(['old-jpeg', asset.output?.url, undefined]);
    }
    // A filter that matches nothing is done at once with nothing counted.
    const none = await stack.call('POST', '/v1/reprocess', { filter: { folder: 'bulk-none' }, policy: 'new-webp' });
    expect(await finished(none.body.run.id)).toMatchObject({ status: 'done', total: 0, done: 0, failed: 0, remaining: 0 });
  });

  it('stops starting assets once cancelled; those in flight finish and are counted', async () => {
    const assets = await Promise.all(Array.from({ length: 20 }, () => readyKept({ policy: 'old-jpeg', folder: 'bulk-c' })));
    const res = await stack.call('POST', '/v1/reprocess', { filter: { folder: 'bulk-c' }, policy: 'new-webp' });
    const runId = res.body.run.id as string;
    await stack.until(assets[0]!.id, () => true); // let a tick start a few
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancelled = await stack.call('POST', `/v1/reprocess/${runId}/cancel`);
    expect(cancelled.body.run.status).toBe('cancelled');
    // Wait for what was in flight to settle, then check nothing else moves.
    const deadline = Date.now() + 60_000;
    let states: Asset[] = [];
    for (;;) {
      states = (await Promise.all(assets.map((asset) => stack.registry.get(asset.id)))) as Asset[];
      if (states.every(isOver) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const run = (await stack.call('GET', `/v1/reprocess/${runId}`)).body.run;
    const reprocessed = states.filter((asset) => asset.reprocessing?.runId === runId).length;
    const later = (await Promise.all(assets.map((asset) => stack.registry.get(asset.id)))) as Asset[];
    expect(later.filter((asset) => asset.reprocessing?.runId === runId).length).toBe(reprocessed);
    expect(run.status).toBe('cancelled');
    expect(reprocessed).toBeGreaterThan(0);
    expect(reprocessed).toBeLessThan(20);
    expect(run.done + run.failed).toBe(reprocessed);
    expect(run.remaining).toBe(run.total - run.done - run.failed);
  });

  it('finishes after its driver is stopped mid-way (even between claiming an asset and starting it) without processing any asset twice', async () => {
    const assets = await Promise.all(Array.from({ length: 30 }, () => readyKept({ policy: 'old-jpeg', folder: 'bulk-d' })));
    const res = await stack.call('POST', '/v1/reprocess', { filter: { folder: 'bulk-d' }, policy: 'new-webp' });
    const runId = res.body.run.id as string;
    for (;;) {
      const { run } = (await stack.call('GET', `/v1/reprocess/${runId}`)).body;
      if (run.done >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stack.stopDriver();
    // A driver killed right after claiming: the asset is in flight but was never started.
    const claimed = await createRunStore({ redis: stack.redis, prefix: stack.prefix }).claim(runId);
    expect(claimed).not.toBeNull();
    expect((await stack.registry.get(claimed!))?.reprocessing).toBeUndefined();
    const midway = (await stack.call('GET', `/v1/reprocess/${runId}`)).body.run;
    expect(midway.status).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // past the dead driver's lock
    stack.startDriver();
    const run = await finished(runId);
    expect(run).toMatchObject({ status: 'done', total: 30, done: 30, failed: 0, remaining: 0 });
    for (const asset of assets) {
      const now = (await stack.registry.get(asset.id))!;
      expect([asset.id, now.policy, now.reprocessing?.runId]).toEqual([asset.id, 'new-webp', runId]);
      expect([asset.id, await stack.notificationCount(asset.id)]).toEqual([asset.id, 2]);
    }
  });
});
