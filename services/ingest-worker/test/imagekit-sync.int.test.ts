// Proves an edit of an ImageKit asset reaches its file at ImageKit (the emulator, through the real SDK): the outbox relay turns asset.updated into imagekit.sync, which replaces the tags and sets the custom metadata (unsetting removed keys, keeping ingestkit's content hash); an asset still on its way is looked at again later.
import { CONTENT_HASH_FIELD, createImageKitClient } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { createLogger } from '@ingestkit/runtime';
import { makeAsset, makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import type { Job } from 'bullmq';
import { createImageKitDestination } from '../src/destinations/imagekit-destination';
import { imagekitSyncProcessor } from '../src/destinations/imagekit-sync.processor';
import { startTestPipeline, type TestPipeline } from './harness';

const keys = { privateKey: 'private_test_key', publicKey: 'public_test_key' };

let redis: TestRedis;
let emulator: Emulator;
let pipeline: TestPipeline;
let client: ReturnType<typeof createImageKitClient>;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...keys, port: 0 });
  client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url, timeoutMs: 5_000 });
  const imagekit = createImageKitDestination({ client, onOverwrite: async () => undefined });
  pipeline = await startTestPipeline({ redisUrl: redis.url, destinations: { imagekit }, imagekit: client });
});
afterAll(async () => {
  await pipeline.close();
  await emulator.close();
  await redis.stop();
});

/** Polls the file's details until `check` holds (the sync runs asynchronously). */
async function eventually(fileId: string, check: (file: Awaited<ReturnType<typeof client.getFileDetails>>) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const file = await client.getFileDetails(fileId);
    if (check(file)) return file;
    if (Date.now() > deadline) throw new Error(`file ${fileId} never matched: ${JSON.stringify(file)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('replaces the tags and merges the custom metadata of a ready asset at ImageKit', async () => {
  // An overwriting upload: its file carries ingestkit's content-hash field, which edits keep.
  const id = await pipeline.ingest(await makeJpeg({ width: 320, height: 200 }), {
    destination: 'imagekit',
    overwrite: true,
    fileName: 'edited.jpg',
    tags: ['old'],
    metadata: { camera: 'x', lens: 'y' },
  });
  const asset = await pipeline.settled(id);
  expect(asset.status).toBe('ready');
  const fileId = asset.output!.imagekit!.fileId;
  expect(await client.getFileDetails(fileId)).toMatchObject({ tags: ['old'], customMetadata: { camera: 'x', lens: 'y' } });

  await pipeline.registry.edit(id, { patch: { tags: ['new', 'tags'], metadata: { camera: null, iso: 200 } } });
  const file = await eventually(fileId, (f) => f.tags.join() === 'new,tags');
  expect(file.customMetadata).toMatchObject({ lens: 'y', iso: 200 });
  expect(file.customMetadata).not.toHaveProperty('camera');
  expect(file.customMetadata).toHaveProperty(CONTENT_HASH_FIELD);
});

it('waits for an asset still on its way to ImageKit, then pushes what the asset has when it is ready', async () => {
  const sync = imagekitSyncProcessor({ registry: pipeline.registry, imagekit: client });
  const context = { job: {} as Job, logger: createLogger({ name: 'test', level: 'silent' }), isLastAttempt: false };
  const uploaded = await client.upload({
    file: await makeJpeg({ width: 64, height: 64 }),
    fileName: 'direct.jpg',
    tags: ['before'],
  });
  const output = {
    name: 'direct.jpg',
    key: uploaded.filePath,
    bytes: uploaded.size,
    format: 'jpeg' as const,
    contentType: 'image/jpeg',
    width: 64,
    height: 64,
    imagekit: { fileId: uploaded.fileId, versionId: uploaded.versionId, filePath: uploaded.filePath },
  };
  const delivering = makeAsset({ destination: 'imagekit', status: 'delivering', tags: ['after'] });
  await pipeline.registry.create(delivering);
  expect(await sync.process({ version: 1, assetId: delivering.id, revision: 0 }, context)).toEqual({ deferMs: 5_000 });

  const ready = makeAsset({ destination: 'imagekit', status: 'ready', tags: ['after'], output });
  await pipeline.registry.create(ready);
  expect(await sync.process({ version: 1, assetId: ready.id, revision: 0 }, context)).toBeUndefined();
  expect((await client.getFileDetails(uploaded.fileId)).tags).toEqual(['after']);

  // Nothing at ImageKit to change: other destinations and assets that never got there.
  for (const asset of [
    makeAsset({ destination: 'local', status: 'ready' }),
    makeAsset({ destination: 'imagekit', status: 'rejected' }),
  ]) {
    await pipeline.registry.create(asset);
    expect(await sync.process({ version: 1, assetId: asset.id, revision: 0 }, context)).toBeUndefined();
  }
});
