import { newAssetId, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';

function newAsset(overrides: Partial<Asset> = {}): Asset {
  const now = new Date().toISOString();
  return {
    id: newAssetId(),
    status: 'queued',
    destination: 'local',
    policy: 'default',
    fileName: 'a.jpg',
    tags: [],
    metadata: { nested: { list: [1, 2] } },
    original: { key: 'staging/x/original', bytes: 10, sha256: 'a'.repeat(64) },
    timings: {},
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** What every AssetRegistry adapter promises; run once per adapter. */
export function describeAssetRegistryConformance(
  name: string,
  setup: () => Promise<{ registry: AssetRegistry; teardown(): Promise<void> }>,
) {
  describe(`AssetRegistry conformance: ${name}`, () => {
    let registry: AssetRegistry;
    let teardown: () => Promise<void>;
    beforeAll(async () => {
      ({ registry, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown();
    });

    it('round-trips an asset exactly, empty arrays and nested metadata included', async () => {
      const asset = newAsset({ folder: 'a/b' });
      await registry.create(asset);
      expect(await registry.get(asset.id)).toEqual(asset);
    });

    it('refuses to create the same id twice', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await expect(registry.create(asset)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('returns null for an unknown id and not_found when updating it', async () => {
      const id = newAssetId();
      expect(await registry.get(id)).toBeNull();
      await expect(registry.update(id, { error: null })).rejects.toMatchObject({ code: 'not_found' });
      await expect(registry.transition(id, { from: ['queued'], to: 'validating' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('transitions only from the allowed statuses, applying the patch atomically', async () => {
      const asset = newAsset();
      await registry.create(asset);
      const error = { code: 'corrupt_image' as const, message: 'bad', stage: 'validate' as const };
      expect(await registry.transition(asset.id, { from: ['validating'], to: 'rejected', patch: { error } })).toBeNull();
      expect((await registry.get(asset.id))?.status).toBe('queued');
      const moved = await registry.transition(asset.id, { from: ['queued', 'validating'], to: 'rejected', patch: { error } });
      expect(moved).toMatchObject({ status: 'rejected', error });
      expect(Date.parse(moved!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(asset.updatedAt));
    });

    it('removes a field patched with null and records timings per stage', async () => {
      const asset = newAsset({ error: { code: 'timeout', message: 'slow' } });
      await registry.create(asset);
      expect((await registry.update(asset.id, { error: null })).error).toBeUndefined();
      const timing = { startedAt: new Date(0).toISOString(), finishedAt: new Date(5).toISOString(), durationMs: 5 };
      await registry.recordTiming(asset.id, 'validate', timing);
      expect((await registry.get(asset.id))?.timings).toEqual({ validate: timing });
    });

    it('lets exactly one of many concurrent transitions win', async () => {
      const asset = newAsset();
      await registry.create(asset);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => registry.transition(asset.id, { from: ['queued'], to: 'validating' })),
      );
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });
  });
}
