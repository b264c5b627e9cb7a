// Proves @ingestkit/client covers an asset's whole life against the services as `npm start` builds them (gateway and worker in process, local stores): listing filters applied by the API, the kept original's exact bytes, a tags/metadata edit guarded by its revision, a single reprocess under another policy, a bulk reprocess run followed to the end, and a delete.
import { createHash } from 'node:crypto';
import { createClient, isIngestkitError, type IngestkitClient } from '@ingestkit/client';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(180_000);

const policies = { policies: { small: { kind: 'delivery', maxWidth: 200, maxHeight: 200, quality: 50 } } };

let redis: TestRedis;
let stack: InProcessStack;
let client: IngestkitClient;
beforeAll(async () => {
  redis = await startRedis();
  stack = await startInProcessStack(redis.url, 'client-life', {
    POLICIES_JSON: JSON.stringify(policies),
    REPROCESS_TICK_MS: '100',
  });
  client = createClient({ url: stack.url, apiKey: API_KEY });
});
afterAll(async () => {
  await stack.stop();
  await redis.stop();
});

const folder = `life-${Math.random().toString(36).slice(2, 8)}`;

async function uploadReady(name: string, tags: string[], bytes: Buffer) {
  const accepted = await client.upload(bytes, { fileName: name, folder, tags });
  const ready = await client.waitForAsset(accepted.id, { timeoutMs: 60_000 });
  expect(ready.status).toBe('ready');
  return ready;
}

async function collect(options: Parameters<IngestkitClient['assets']['list']>[0]): Promise<string[]> {
  const ids: string[] = [];
  for await (const asset of client.assets.list(options)) ids.push(asset.id);
  return ids.sort();
}

it('lists, downloads the original, edits, reprocesses one and many, and deletes through the client', async () => {
  const firstBytes = await makeJpeg({ width: 900, height: 600 });
  const first = await uploadReady('one.jpg', ['beach'], firstBytes);
  const second = await uploadReady('two.jpg', ['city'], await makeJpeg({ width: 800, height: 600 }));

  // Filters are the API's: folder exactly, tag, and nothing for a tag nobody has.
  expect(await collect({ folder })).toEqual([first.id, second.id].sort());
  expect(await collect({ folder, tag: 'beach' })).toEqual([first.id]);
  expect(await collect({ folderPrefix: folder, tag: 'nobody' })).toEqual([]);

  // The kept original: the exact bytes uploaded.
  const original = await client.assets.original(first.id);
  const digest = createHash('sha256')
    .update(Buffer.from(await original.arrayBuffer()))
    .digest('hex');
  expect(digest).toBe(createHash('sha256').update(firstBytes).digest('hex'));
  expect(digest).toBe(first.original?.sha256);

  // An edit guarded by the revision read; a stale one is refused with its code.
  const edited = await client.assets.update(first.id, { tags: ['beach', 'summer'] }, { ifRevision: first.revision ?? 0 });
  expect(edited.tags).toEqual(['beach', 'summer']);
  const stale = await client.assets
    .update(first.id, { tags: ['x'] }, { ifRevision: first.revision ?? 0 })
    .catch((err: unknown) => err);
  expect(isIngestkitError(stale) && [stale.status, stale.code]).toEqual([412, 'precondition_failed']);

  // One asset under another policy: new output, new URL.
  await client.assets.reprocess(first.id, { policy: 'small' });
  const reprocessed = await waitForPolicy(first.id, 'small');
  expect(Math.max(reprocessed.output!.width, reprocessed.output!.height)).toBeLessThanOrEqual(200);
  expect(reprocessed.output!.url).not.toBe(first.output!.url);

  // A run over the folder, followed until done.
  let run = await client.reprocess.create({ filter: { folder, tag: 'city' }, policy: 'small' });
  const deadline = Date.now() + 90_000;
  while (run.status === 'running' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    run = await client.reprocess.get(run.id);
  }
  expect(run).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0, remaining: 0 });
  expect((await waitForPolicy(second.id, 'small')).status).toBe('ready');

  // Deleted: hidden from the listing, the original gone with it.
  expect((await client.assets.delete(second.id)).status).toBe('deleted');
  expect(await collect({ folder })).toEqual([first.id]);
});

async function waitForPolicy(id: string, policy: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const asset = await client.assets.get(id);
    if (asset.status === 'ready' && asset.output?.policy === policy && asset.reprocessing?.completedAt) return asset;
    if (Date.now() > deadline) throw new Error(`asset ${id} is ${asset.status} under ${asset.output?.policy}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
