// Proves a reprocess delivered to ImageKit (the emulator, through the real SDK) is a new version of
// the asset's own file, not the old output found at its path and reused: one file, two versions,
// a new ?updatedAt= URL, the superseded version reported for its purge once, and the reprocess
// recorded completed; a replayed delivery adds no third version.
import { Queue } from 'bullmq';
import { lifecycle, queueNames, stageJobOptions, stagingKeys, type Asset } from '@ingestkit/contracts';
import { createImageKitClient, type ImageKitFile } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { enqueueStage } from '@ingestkit/runtime';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import type { Destination } from '../src/destinations/destination';
import { createImageKitDestination } from '../src/destinations/imagekit-destination';
import { startTestPipeline, type TestPipeline } from './harness';

const keys = { privateKey: 'private_test_key', publicKey: 'public_test_key' };

let redis: TestRedis;
let emulator: Emulator;
let pipeline: TestPipeline;
let validate: Queue;
let destination: Destination;
const superseded: Array<{ assetId: string; file: ImageKitFile }> = [];

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...keys, port: 0 });
  const client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url, timeoutMs: 5_000 });
  const imagekit = createImageKitDestination({
    client,
    onOverwrite: async ({ asset, superseded: file }) => void superseded.push({ assetId: asset.id, file }),
  });
  destination = imagekit;
  pipeline = await startTestPipeline({
    redisUrl: redis.url,
    destinations: { imagekit },
    policies: { 'master-low': { kind: 'master', quality: 85, maxWidth: 600 } },
  });
  // The harness's validate queue is its own; one on the same prefix adds to the same queue.
  validate = new Queue(queueNames.validate, { connection: pipeline.redis, prefix: pipeline.prefix });
});
afterAll(async () => {
  await validate.close();
  await pipeline.close();
  await emulator.close();
  await redis.stop();
});

/** What the gateway's reprocess does: the kept original back in staging, the `reprocess` move, validate at the reprocess priority. */
async function reprocess(asset: Asset, original: Buffer, policy: string): Promise<void> {
  await pipeline.staging.put({ key: stagingKeys.original(asset.id), body: original });
  const moved = await pipeline.registry.transition(asset.id, {
    ...lifecycle.reprocess,
    patch: { policy, reprocessing: { previousOutputs: [asset.output!], requestedAt: new Date().toISOString() } },
  });
  await enqueueStage(validate, { version: 1, assetId: asset.id }, stageJobOptions(moved!));
}

async function completed(id: string): Promise<Asset> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const asset = await pipeline.registry.get(id);
    if (asset?.status === 'ready' && asset.reprocessing?.completedAt) return asset;
    if (asset && ['rejected', 'failed'].includes(asset.status)) throw new Error(JSON.stringify(asset.error));
    if (Date.now() > deadline) throw new Error(`asset ${id} is ${asset?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('uploads the reprocessed output as a new version of the same file, with a new versioned URL', async () => {
  const original = await makeJpeg({ width: 1200, height: 800, quality: 95 });
  const id = await pipeline.ingest(original, { destination: 'imagekit', fileName: 'Sunset.jpg' });
  const before = await pipeline.settled(id);
  expect(before.status).toBe('ready');

  await reprocess(before, original, 'master-low');
  const after = await completed(id);
  const files = emulator.files().filter((file) => file.name.includes(id));
  expect(files).toHaveLength(1);
  expect(files[0]!.versions).toHaveLength(2);
  expect(after.output!.imagekit!.fileId).toBe(before.output!.imagekit!.fileId);
  expect(after.output!.imagekit!.versionId).not.toBe(before.output!.imagekit!.versionId);
  expect(after.output!.imagekit!.versionId).toBe(files[0]!.currentVersionId);
  expect(after.output).toMatchObject({ policy: 'master-low', width: 600 });
  expect(after.output!.url).not.toBe(before.output!.url);
  expect(superseded.filter((entry) => entry.assetId === id)).toHaveLength(1);
  expect(after.reprocessing).toMatchObject({ previousOutputs: [] });

  // A replayed delivery of the same reprocess (its worker died after the upload, before ready)
  // finds the new version by its content hash and reuses it: no third version.
  const replay = await destination.deliver({
    asset: { ...after, status: 'delivering', reprocessing: { ...after.reprocessing!, completedAt: undefined } },
    output: after.output!,
    open: () => Promise.reject(new Error('a reuse reads no bytes')),
    variants: [],
  });
  expect(replay.imagekit?.versionId).toBe(after.output!.imagekit!.versionId);
  expect(emulator.files().find((file) => file.name.includes(id))!.versions).toHaveLength(2);
});
