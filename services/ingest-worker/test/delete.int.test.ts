// Proves deleting erases at every destination (local, S3 via s3rver, ImageKit via the emulator and the real SDK): the eraser removes the output, every variant and staging and queues a purge of ImageKit's plain URL; a deleted asset's jobs stop at their next step and never bring it back; and a deliver job whose `ready` is refused because the asset was deleted meanwhile removes what it had just delivered (forced deterministically, eraser before and after the put).
import { Readable } from 'node:stream';
import type { Job } from 'bullmq';
import { lifecycle, queueNames, stagingKeys, type Asset } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { createRedisPurgeStore } from '@ingestkit/purge';
import { createLogger, createQueue, type StageContext } from '@ingestkit/runtime';
import { createS3Client, createS3Store, type ObjectStore } from '@ingestkit/storage';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import type { Destination } from '../src/destinations/destination';
import { createImageKitDestination } from '../src/destinations/imagekit-destination';
import { createStoreDestination } from '../src/destinations/store-destination';
import { eraseProcessor } from '../src/erase/erase.processor';
import { ingestPipeline } from '../src/register';
import { startTestPipeline, type TestPipeline } from './harness';

const keys = { privateKey: 'private_test_key', publicKey: 'public_test_key' };
const BUCKET = 'delete-assets';

let redis: TestRedis;
let s3: TestS3;
let emulator: Emulator;
let pipeline: TestPipeline;
let s3Store: ObjectStore;
/** Runs between the put at the destination and the `ready` transition of the next delivery, once. */
let betweenPutAndReady: ((assetId: string) => Promise<void>) | undefined;
/** Runs before the put of the next delivery, once, after it read the staged bytes (staging may be gone then). */
let beforePut: ((assetId: string) => Promise<void>) | undefined;

/** A destination that lets a test act at the exact moments of the race. */
function racing(destination: Destination): Destination {
  return {
    kind: destination.kind,
    async deliver(input) {
      const before = beforePut;
      beforePut = undefined;
      if (before) {
        // The job has read its bytes (as a put streaming them has) when the delete and the eraser run.
        const main = await readAll(await input.open());
        const variants = await Promise.all(
          input.variants.map(async ({ variant, open }) => ({ variant, bytes: await readAll(await open()) })),
        );
        await before(input.asset.id);
        input = {
          ...input,
          open: async () => Readable.from([main]),
          variants: variants.map(({ variant, bytes }) => ({ variant, open: async () => Readable.from([bytes]) })),
        };
      }
      const delivered = await destination.deliver(input);
      const between = betweenPutAndReady;
      betweenPutAndReady = undefined;
      await between?.(input.asset.id);
      return delivered;
    },
    remove: (input) => destination.remove(input),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const context = (): StageContext => ({
  job: {} as Job,
  logger: createLogger({ name: 'test', level: 'silent' }),
  isLastAttempt: false,
});

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: [BUCKET] });
  emulator = await startEmulator({ ...keys, port: 0 });
  const client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url, timeoutMs: 5_000 });
  s3Store = createS3Store({
    client: createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials }),
    bucket: BUCKET,
  });
  pipeline = await startTestPipeline({
    redisUrl: redis.url,
    destinations: {
      s3: racing(createStoreDestination({ kind: 's3', store: s3Store, publicUrl: `${s3.endpoint}/${BUCKET}` })),
      imagekit: racing(createImageKitDestination({ client })),
    },
  });
  // The local destination of the harness, made racy as well.
  pipeline.stageDeps.destinations.local = racing(pipeline.stageDeps.destinations.local!);
});
afterAll(async () => {
  await pipeline.close();
  await emulator.close();
  await s3.stop();
  await redis.stop();
});

function eraser(withPurges = false) {
  const purges = withPurges
    ? { store: createRedisPurgeStore({ redis: pipeline.redis, prefix: pipeline.prefix }), queue: purgeQueue() }
    : undefined;
  return eraseProcessor({ ...pipeline.stageDeps, ...(purges ? { purges } : {}) });
}
let purgeQueueInstance: ReturnType<typeof createQueue<typeof queueNames.purge>> | undefined;
function purgeQueue() {
  purgeQueueInstance ??= createQueue(queueNames.purge, { connection: pipeline.redis, prefix: pipeline.prefix });
  return purgeQueueInstance;
}
afterAll(async () => {
  await purgeQueueInstance?.close();
});

async function tombstone(assetId: string): Promise<Asset | null> {
  return pipeline.registry.transition(assetId, {
    ...lifecycle.deleted,
    patch: { deletedAt: new Date().toISOString(), deletedBy: { keyId: 'test-key' } },
  });
}

/** Every object the asset has at a store destination (its own prefix) or in staging. */
async function leftovers(store: ObjectStore, asset: Asset): Promise<string[]> {
  const folder = asset.folder ? `${asset.folder}/` : '';
  const delivered = await store.list(`assets/${folder}${asset.id}/`);
  const staged = await pipeline.staging.list(stagingKeys.prefix(asset.id));
  return [...delivered, ...staged].map((object) => object.key);
}

const imagekitFilesOf = (assetId: string) => emulator.files().filter((file) => file.name.includes(assetId));

/** Waits until the asset is `deleted` and none of its jobs is waiting or running. */
async function quiet(assetId: string): Promise<Asset> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const asset = (await pipeline.registry.get(assetId))!;
    const states = await Promise.all(
      (['optimize', 'deliver'] as const).map((stage) =>
        pipeline.stageDeps.queues[stage].getJobState(`${assetId}-${stage}`).catch(() => 'unknown'),
      ),
    );
    const busy = states.some((state) => ['waiting', 'active', 'delayed', 'prioritized'].includes(state));
    if (!busy && asset.status === 'deleted') return asset;
    if (Date.now() > deadline) throw new Error(`asset ${assetId} still ${asset.status} (${states.join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the eraser', () => {
  it('removes a ready local asset: output, every variant and staging, and stays idempotent', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 2400, height: 1600 }), { folder: 'f/g' });
    const ready = await pipeline.settled(id, 60_000);
    expect(ready.status).toBe('ready');
    expect(ready.output!.variants!.length).toBeGreaterThan(0);
    expect((await leftovers(pipeline.staging, ready)).length).toBeGreaterThan(1);
    // Something a stage staged late: the eraser removes staging too.
    await pipeline.staging.put({ key: stagingKeys.original(id), body: Buffer.from('late') });
    expect(await tombstone(id)).toMatchObject({ status: 'deleted' });
    await eraser().process({ version: 1, assetId: id }, context());
    expect(await leftovers(pipeline.staging, ready)).toEqual([]);
    await eraser().process({ version: 1, assetId: id }, context());
    expect((await pipeline.registry.get(id))?.status).toBe('deleted');
  });

  it('removes an S3 asset from the bucket', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 1600, height: 1200 }), { destination: 's3' });
    const ready = await pipeline.settled(id, 60_000);
    const keysAtS3 = [ready.output!.key, ...(ready.output!.variants ?? []).map((variant) => variant.key)];
    for (const key of keysAtS3) expect(await s3Store.head(key)).not.toBeNull();
    await tombstone(id);
    await eraser().process({ version: 1, assetId: id }, context());
    for (const key of keysAtS3) expect(await s3Store.head(key)).toBeNull();
    expect(await leftovers(s3Store, ready)).toEqual([]);
  });

  it('deletes the ImageKit file with its versions and queues one purge of its plain URL', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 640, height: 480 }), { destination: 'imagekit' });
    const ready = await pipeline.settled(id, 30_000);
    expect(imagekitFilesOf(id)).toHaveLength(1);
    await tombstone(id);
    await eraser(true).process({ version: 1, assetId: id }, context());
    await eraser(true).process({ version: 1, assetId: id }, context());
    expect(imagekitFilesOf(id)).toHaveLength(0);
    expect((await fetch(ready.output!.url!)).status).toBe(404);
    const jobs = await purgeQueue().getJobs(['waiting', 'delayed', 'prioritized']);
    const mine = jobs.filter((job) => job.data.assetId === id);
    expect(mine.map((job) => [job.data.url, job.data.reason])).toEqual([
      [`${emulator.urlEndpoint}${ready.output!.imagekit!.filePath}`, 'deleted'],
    ]);
  });

  it('leaves an overwritten local key to the upload that replaced it, and removes it with that upload', async () => {
    const options = { folder: `ow-${Math.random().toString(36).slice(2, 8)}`, fileName: 'banner.jpg', overwrite: true };
    const first = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 700, height: 500 }), options), 30_000);
    const second = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 600, height: 400 }), options), 30_000);
    expect(second.output!.key).toBe(first.output!.key);
    await tombstone(first.id);
    await eraser().process({ version: 1, assetId: first.id }, context());
    expect(await pipeline.staging.head(second.output!.key)).not.toBeNull();
    for (const variant of second.output!.variants ?? []) expect(await pipeline.staging.head(variant.key)).not.toBeNull();
    await tombstone(second.id);
    await eraser().process({ version: 1, assetId: second.id }, context());
    expect(await pipeline.staging.head(second.output!.key)).toBeNull();
    for (const variant of second.output!.variants ?? []) expect(await pipeline.staging.head(variant.key)).toBeNull();
  });

  it('deletes only its own version of an overwritten ImageKit file, and the file with the current version', async () => {
    const options = {
      destination: 'imagekit' as const,
      folder: `ow-${Math.random().toString(36).slice(2, 8)}`,
      fileName: 'hero.jpg',
      overwrite: true,
    };
    const first = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 500, height: 300 }), options), 30_000);
    const second = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 400, height: 300 }), options), 30_000);
    const fileId = first.output!.imagekit!.fileId;
    expect(second.output!.imagekit!.fileId).toBe(fileId);
    const file = () => emulator.files().find((candidate) => candidate.fileId === fileId);
    expect(file()!.versions).toHaveLength(2);
    await tombstone(first.id);
    await eraser().process({ version: 1, assetId: first.id }, context());
    expect(file()!.versions.map((version) => version.versionId)).toEqual([second.output!.imagekit!.versionId]);
    await tombstone(second.id);
    await eraser().process({ version: 1, assetId: second.id }, context());
    expect(file()).toBeUndefined();
  });

  it('erases nothing of an asset that is not deleted', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 300, height: 200 }));
    const ready = await pipeline.settled(id, 30_000);
    await eraser().process({ version: 1, assetId: id }, context());
    expect(await pipeline.staging.head(ready.output!.key)).not.toBeNull();
  });
});

describe('a delete while the asset is processed', () => {
  it('stops every later stage: deleted while queued, the asset stays deleted and nothing is delivered', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 1200, height: 900 }));
    expect(await tombstone(id)).toMatchObject({ status: 'deleted' });
    await eraser().process({ version: 1, assetId: id }, context());
    const asset = await quiet(id);
    expect(asset.status).toBe('deleted');
    expect(await leftovers(pipeline.staging, asset)).toEqual([]);
  });

  it('after validation, the optimize job finds it deleted and cleans what validation staged', async () => {
    const id = await pipeline.ingest(await makeJpeg({ width: 800, height: 600 }));
    const [validate, optimize] = ingestPipeline(pipeline.stageDeps);
    // Run validate here before the worker can (the job may also run: both are no-ops then).
    await validate!.process({ version: 1, assetId: id }, context()).catch(() => undefined);
    await tombstone(id);
    await optimize!.process({ version: 1, assetId: id }, context());
    const asset = await quiet(id);
    expect(asset.status).toBe('deleted');
    expect(await leftovers(pipeline.staging, asset)).toEqual([]);
  });

  it('a deliver attempt that finds the asset deleted removes what an earlier attempt placed before it was killed', async () => {
    for (const destination of ['local', 's3', 'imagekit'] as const) {
      const store = destination === 's3' ? s3Store : pipeline.staging;
      // An attempt that has read its bytes, then the delete and the eraser, then its put, then a SIGKILL.
      let placed: Asset | undefined;
      beforePut = async (assetId) => {
        await tombstone(assetId);
        await eraser().process({ version: 1, assetId }, context());
      };
      betweenPutAndReady = async (assetId) => {
        placed = (await pipeline.registry.get(assetId))!;
        throw new Error('killed');
      };
      const id = await pipeline.ingest(await makeJpeg({ width: 1200, height: 900 }), { destination });
      const deadline = Date.now() + 20_000;
      while (!placed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(placed?.status).toBe('deleted');
      // The retried attempt (the harness' worker runs it; here also directly, as a stalled job's would).
      const deliver = ingestPipeline(pipeline.stageDeps).find((stage) => stage.queue === 'ingest.deliver')!;
      await deliver.process({ version: 1, assetId: id }, context());
      const asset = await quiet(id);
      if (destination === 'imagekit') expect(imagekitFilesOf(id)).toEqual([]);
      else expect(await leftovers(store, asset)).toEqual([]);
    }
  });

  for (const destination of ['local', 's3', 'imagekit'] as const) {
    for (const when of ['after', 'before'] as const) {
      it(`a deliver to ${destination} refused ready because of a delete ${when} the put removes what it delivered (the eraser ran ${when} the put)`, async () => {
        const store = destination === 's3' ? s3Store : pipeline.staging;
        const erase = async (assetId: string) => {
          await tombstone(assetId);
          await eraser().process({ version: 1, assetId }, context());
        };
        if (when === 'after') betweenPutAndReady = erase;
        else beforePut = erase;
        const id = await pipeline.ingest(await makeJpeg({ width: 1600, height: 1200 }), { destination });
        const asset = await quiet(id);
        expect([betweenPutAndReady, beforePut]).toEqual([undefined, undefined]);
        expect(asset.status).toBe('deleted');
        expect(asset.output?.url).toBeUndefined();
        if (destination === 'imagekit') expect(imagekitFilesOf(id)).toEqual([]);
        else expect(await leftovers(store, asset)).toEqual([]);
        expect(await pipeline.staging.list(stagingKeys.prefix(id))).toEqual([]);
      });
    }
  }
});
