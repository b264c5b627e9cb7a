// Proves delivery to ImageKit (the emulator, through the real SDK) ends `ready` exactly once: one file, one version, also after 429/5xx bursts and after a retry of an upload that had already succeeded; an overwriting upload adds exactly one version to the file at its path and reports the version it superseded once, retries included.
import { createImageKitClient } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import type { ImageKitFile } from '@ingestkit/imagekit';
import { createImageKitDestination, imagekitPath } from '../src/destinations/imagekit-destination';
import { startTestPipeline, type TestPipeline } from './harness';

const keys = { privateKey: 'private_test_key', publicKey: 'public_test_key' };

let redis: TestRedis;
let emulator: Emulator;
let pipeline: TestPipeline;
const overwrites: Array<{ assetId: string; superseded: ImageKitFile }> = [];

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...keys, port: 0 });
  const client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url, timeoutMs: 5_000 });
  const imagekit = createImageKitDestination({
    client,
    onOverwrite: async ({ asset, superseded }) => void overwrites.push({ assetId: asset.id, superseded }),
  });
  pipeline = await startTestPipeline({ redisUrl: redis.url, destinations: { imagekit } });
});
afterAll(async () => {
  await pipeline.close();
  await emulator.close();
  await redis.stop();
});

const filesFor = (assetId: string) => emulator.files().filter((file) => file.name.includes(assetId));

it('delivers to ImageKit and records fileId, versionId, filePath and url', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 1200, height: 800 }), {
    destination: 'imagekit',
    fileName: 'Sunset.jpg',
  });
  const asset = await pipeline.settled(id);
  expect(asset.status).toBe('ready');
  const [file] = filesFor(id);
  expect(filesFor(id)).toHaveLength(1);
  expect(file!.versions).toHaveLength(1);
  expect(asset.output).toMatchObject({
    key: file!.filePath,
    imagekit: { fileId: file!.fileId, versionId: file!.currentVersionId, filePath: `/Sunset_${id}.jpg` },
  });
  // the default policy for ImageKit is the master: a JPEG master (here the q85 original itself:
  // re-encoding at the master's quality 90 would not be smaller), no variants
  expect(asset.output).toMatchObject({ policy: 'master', format: 'jpeg' });
  expect(asset.output!.variants).toBeUndefined();
  // The versioned URL: ?updatedAt= of the version this asset wrote.
  const url = new URL(asset.output!.url!);
  expect(Number(url.searchParams.get('updatedAt'))).toBe(file!.versions[0]!.updatedAt.getTime());
  const served = await fetch(url);
  expect(served.status).toBe(200);
  expect(Number(served.headers.get('content-length'))).toBe(asset.output!.bytes);
});

it('ends ready exactly once through bursts of 5xx from ImageKit', async () => {
  emulator.setFaults({ failNext: { count: 2, kind: 'server-error' } });
  const id = await pipeline.ingest(await makeJpeg({ width: 640, height: 480 }), { destination: 'imagekit' });
  const asset = await pipeline.settled(id, 30_000);
  emulator.setFaults({});
  expect(asset.status).toBe('ready');
  expect(filesFor(id)).toHaveLength(1);
  expect(filesFor(id)[0]!.versions).toHaveLength(1);
});

it('waits out a 429 burst (queue paused until the reset time, no attempt spent) and ends ready once', async () => {
  emulator.setFaults({ failNext: { count: 2, kind: 'rate-limit' }, retryAfterSeconds: 1 });
  const id = await pipeline.ingest(await makeJpeg({ width: 500, height: 400 }), { destination: 'imagekit' });
  const asset = await pipeline.settled(id, 30_000);
  emulator.setFaults({});
  expect(asset.status).toBe('ready');
  expect(filesFor(id)).toHaveLength(1);
  expect(filesFor(id)[0]!.versions).toHaveLength(1);
});

/**
 * Fails the next transition to `ready`, after the destination has the file: a worker that
 * crashed before recording the delivery. BullMQ retries the job, which replays the delivery
 * (the asset is still `delivering`, a real state, rather than moved back from `ready`).
 */
let restoreRegistry = () => {};
function crashBeforeNextReady(): { crashes: number } {
  const registry = pipeline.registry;
  const transition = registry.transition;
  restoreRegistry = () => void (registry.transition = transition);
  const seen = { crashes: 0 };
  registry.transition = async (id, input) => {
    if (input.to !== 'ready') return transition(id, input);
    registry.transition = transition;
    seen.crashes += 1;
    throw new Error('the worker crashed after the upload, before recording it');
  };
  return seen;
}
// A test that ended before its crash restores the registry here.
afterEach(() => restoreRegistry());

it('finds the file a previous attempt uploaded instead of adding a version', async () => {
  const crash = crashBeforeNextReady();
  const id = await pipeline.ingest(await makeJpeg({ width: 320, height: 240 }), { destination: 'imagekit' });
  const ready = await pipeline.settled(id, 30_000);
  expect([crash.crashes, ready.status]).toEqual([1, 'ready']);
  expect(filesFor(id)).toHaveLength(1);
  const [file] = filesFor(id);
  expect(file!.versions).toHaveLength(1);
  expect(ready.output!.imagekit).toMatchObject({ fileId: file!.fileId, versionId: file!.currentVersionId });
});

it('overwrites the file at <folder>/<name>: one more version, the superseded one reported once, a replayed delivery reusing it', async () => {
  const options = { destination: 'imagekit' as const, folder: 'hero', fileName: 'banner.jpg', overwrite: true };
  const first = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 400, height: 300 }), options));
  // The second delivery is replayed, as after a crash between the upload and the registry write.
  const crash = crashBeforeNextReady();
  const second = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 300, height: 200 }), options), 30_000);
  expect(crash.crashes).toBe(1);
  expect([first.status, second.status]).toEqual(['ready', 'ready']);
  expect(second.output!.imagekit!.fileId).toBe(first.output!.imagekit!.fileId);
  expect(second.output!.imagekit!.filePath).toBe(
    `/hero/banner.${first.output!.format === 'jpeg' ? 'jpg' : first.output!.format}`,
  );
  expect(new URL(second.output!.url!).searchParams.get('updatedAt')).not.toBe(
    new URL(first.output!.url!).searchParams.get('updatedAt'),
  );
  const file = () => emulator.files().find((candidate) => candidate.fileId === first.output!.imagekit!.fileId)!;
  expect(file().versions).toHaveLength(2);
  expect(overwrites.map((entry) => [entry.assetId, entry.superseded.versionId])).toEqual([
    [second.id, first.output!.imagekit!.versionId],
  ]);

  // The replay reused the version the crashed attempt wrote: still two versions, one report.
  expect(second.output!.imagekit!.versionId).toBe(file().currentVersionId);
});

it('names files deterministically per asset', () => {
  const asset = { id: 'ast_AAAAAAAAAAAAAAAAAAAAAA', fileName: 'My Photo (1).JPG', folder: 'shop/shoes' } as never;
  expect(imagekitPath(asset, { format: 'jpeg' } as never)).toEqual({
    folder: '/shop/shoes',
    fileName: 'My-Photo-1_ast_AAAAAAAAAAAAAAAAAAAAAA.jpg',
  });
});
