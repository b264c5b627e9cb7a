// Proves deleting end to end through the services as `npm start` builds them (gateway and worker in process, local destination): @ingestkit/client's delete answers the tombstone, the worker's eraser removes every delivered file and staging, GET answers the tombstone and the listing hides it.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@ingestkit/client';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(120_000);

let redis: TestRedis;
let stack: InProcessStack;
beforeAll(async () => {
  redis = await startRedis();
  stack = await startInProcessStack(redis.url, 'delete', {});
});
afterAll(async () => {
  await stack.stop();
  await redis.stop();
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

it('deletes a ready asset: tombstone, every delivered file and staging erased, hidden from the listing', async () => {
  const client = createClient({ url: stack.url, apiKey: API_KEY });
  const uploaded = await client.upload(await makeJpeg({ width: 1600, height: 1200 }), {
    fileName: 'gone.jpg',
    folder: 'e2e-del',
  });
  const ready = await client.waitForAsset(uploaded.id, { timeoutMs: 60_000 });
  expect(ready.status).toBe('ready');
  const delivered = await filesUnder(join(stack.dataDir, 'assets', 'e2e-del', ready.id));
  expect(delivered.length).toBe(1 + (ready.output!.variants?.length ?? 0));

  const tombstone = await client.assets.delete(ready.id);
  expect(tombstone).toMatchObject({ id: ready.id, status: 'deleted', deletedBy: { keyId: expect.any(String) } });
  expect(await client.assets.delete(ready.id)).toEqual(tombstone);
  const deadline = Date.now() + 30_000;
  while ((await filesUnder(join(stack.dataDir, 'assets', 'e2e-del', ready.id))).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await filesUnder(join(stack.dataDir, 'assets', 'e2e-del', ready.id))).toEqual([]);
  expect(await filesUnder(join(stack.dataDir, 'staging', ready.id))).toEqual([]);
  expect(await client.assets.get(ready.id)).toEqual(tombstone);
  const listed = [];
  for await (const asset of client.assets.list({ folder: 'e2e-del' })) listed.push(asset.id);
  expect(listed).toEqual([]);
  const deleted = [];
  for await (const asset of client.assets.list({ status: 'deleted', folder: 'e2e-del' })) deleted.push(asset.id);
  expect(deleted).toEqual([ready.id]);
});
