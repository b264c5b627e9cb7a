import { allowedTransitions, AssetStatus, lifecycle, newAssetId, type Notification } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';
import { describeFindConformance } from './asset-registry-find.conformance';
import { newAsset, version } from './conformance-fixtures';

export interface ConformanceSubject {
  registry: AssetRegistry;
  /** The notifications the adapter has recorded and not yet handed on, of one asset, oldest first. */
  recordedNotifications(assetId: string): Promise<Notification[]>;
  teardown(): Promise<void>;
}

/** What every AssetRegistry adapter promises; run once per adapter. */
export function describeAssetRegistryConformance(name: string, setup: () => Promise<ConformanceSubject>) {
  describe(`AssetRegistry conformance: ${name}`, () => {
    let registry: AssetRegistry;
    let recordedNotifications: ConformanceSubject['recordedNotifications'];
    let teardown: () => Promise<void>;
    beforeAll(async () => {
      ({ registry, recordedNotifications, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown();
    });

    it('round-trips an asset exactly, empty arrays and nested metadata included', async () => {
      const asset = newAsset({ folder: 'a/b' });
      await registry.create(asset);
      expect(await registry.get(asset.id)).toEqual(asset);
      const overwriting = newAsset({ overwrite: true });
      await registry.create(overwriting);
      expect(await registry.get(overwriting.id)).toEqual(overwriting);
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

    it('refuses a move the lifecycle does not allow, before reading the asset, and changes nothing', async () => {
      const asset = newAsset({ status: 'delivering' });
      await registry.create(asset);
      // In the asset's own status (it would have matched) and out of it (it would have been refused quietly).
      for (const input of [
        { from: ['ready'], to: 'delivering' },
        { from: ['delivering', 'queued'], to: 'ready' },
        { from: ['queued'], to: 'ready' },
        { from: [], to: 'failed' },
      ] as const) {
        await expect(registry.transition(asset.id, input)).rejects.toMatchObject({
          code: 'lifecycle_violation',
          details: { from: input.from, to: input.to },
        });
      }
      // Also for an asset that does not exist: the move is wrong whatever the record says.
      await expect(registry.transition(newAssetId(), { from: ['queued'], to: 'ready' })).rejects.toMatchObject({
        code: 'lifecycle_violation',
      });
      expect(await registry.get(asset.id)).toEqual(asset);
      expect(await recordedNotifications(asset.id)).toEqual([]);
    });

    it('allows every move of the lifecycle table, and only those', async () => {
      for (const from of AssetStatus.options) {
        for (const to of AssetStatus.options) {
          const asset = newAsset({ status: from });
          await registry.create(asset);
          const moving = registry.transition(asset.id, { from: [from], to });
          if (allowedTransitions[from].includes(to)) {
            expect([from, to, (await moving)?.status]).toEqual([from, to, to]);
          } else {
            await expect(moving).rejects.toMatchObject({ code: 'lifecycle_violation' });
          }
        }
      }
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

    it('indexes ImageKit files to assets, and answers null for files it does not know', async () => {
      const asset = newAsset();
      await registry.create(asset);
      const fileId = `file_${asset.id}`;
      expect(await registry.findByImageKitFileId(fileId)).toBeNull();
      await registry.indexImageKitFile(fileId, asset.id);
      await registry.indexImageKitFile(fileId, asset.id);
      expect(await registry.findByImageKitFileId(fileId)).toBe(asset.id);
      expect(await registry.findByImageKitFileId(`${fileId}-other`)).toBeNull();
    });

    it('records versions, marks only the newest current and reports the version it superseded', async () => {
      const asset = newAsset();
      await registry.create(asset);
      const first = await registry.recordVersion(asset.id, version('v1', 1_000));
      expect(first.superseded).toBeNull();
      expect(first.asset.versions).toEqual([{ ...version('v1', 1_000), current: true }]);

      const second = await registry.recordVersion(asset.id, version('v2', 2_000));
      expect(second.superseded).toMatchObject({ versionId: 'v1', current: false });
      expect(second.asset.versions?.map((v) => [v.versionId, v.current])).toEqual([
        ['v1', false],
        ['v2', true],
      ]);
      expect(await registry.get(asset.id)).toEqual(second.asset);
    });

    it("hands out the current version's URL as an ImageKit output's url once a later version supersedes it", async () => {
      const delivered = version('v1', 1_000);
      const output = {
        name: 'default.webp',
        key: '/a.webp',
        bytes: 10,
        format: 'webp' as const,
        contentType: 'image/webp',
        width: 1,
        height: 1,
        url: delivered.url,
        imagekit: { fileId: 'f1', versionId: 'v1', filePath: '/a.webp' },
      };
      const asset = newAsset({ output });
      await registry.create(asset);
      await registry.recordVersion(asset.id, delivered);
      expect((await registry.get(asset.id))?.output?.url).toBe(delivered.url);
      await registry.recordVersion(asset.id, version('v2', 2_000));
      expect((await registry.get(asset.id))?.output).toEqual({ ...output, url: version('v2', 2_000).url });
    });

    it('refreshes a known version without superseding it, and ignores an older version arriving late', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await registry.recordVersion(asset.id, version('v2', 2_000));
      const updated = await registry.recordVersion(asset.id, { ...version('v2', 3_000), name: 'Version 2' });
      expect(updated.superseded).toBeNull();
      expect(updated.asset.versions).toEqual([
        { ...version('v2', 2_000), url: version('v2', 3_000).url, name: 'Version 2', current: true },
      ]);
      const late = await registry.recordVersion(asset.id, version('v1', 1_000));
      expect(late.superseded).toBeNull();
      expect(late.asset.versions?.map((v) => [v.versionId, v.current])).toEqual([
        ['v1', false],
        ['v2', true],
      ]);
    });

    it('loses no version when many are recorded concurrently', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => registry.recordVersion(asset.id, version(`v${i}`, 1_000 * (i + 1)))),
      );
      const versions = (await registry.get(asset.id))?.versions ?? [];
      expect(versions.map((v) => v.versionId)).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`));
      expect(versions.filter((v) => v.current).map((v) => v.versionId)).toEqual(['v11']);
    });

    it('records deletions of one version or the whole file, keeping the history', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await registry.recordVersion(asset.id, version('v1', 1_000));
      await registry.recordVersion(asset.id, version('v2', 2_000));
      const deletedAt = new Date(5_000).toISOString();
      const oneGone = await registry.recordVersionDeletion(asset.id, { versionId: 'v1', deletedAt });
      expect(oneGone.versions).toEqual([
        { ...version('v1', 1_000), current: false, deletedAt },
        { ...version('v2', 2_000), current: true },
      ]);
      const allGone = await registry.recordVersionDeletion(asset.id, { deletedAt });
      expect(allGone.versions?.every((v) => !v.current && v.deletedAt === deletedAt)).toBe(true);
    });

    it('reports not_found when recording versions of an unknown asset', async () => {
      await expect(registry.recordVersion(newAssetId(), version('v1', 1))).rejects.toMatchObject({ code: 'not_found' });
      await expect(registry.recordVersionDeletion(newAssetId(), { deletedAt: new Date().toISOString() })).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('records one notification with the transition to ready, and none for a repeated or refused attempt', async () => {
      const asset = newAsset({ status: 'delivering' });
      await registry.create(asset);
      // A terminal move (it would notify) refused because the asset is not in its `from`.
      expect(await registry.transition(asset.id, lifecycle.stranded)).toBeNull();
      expect(await recordedNotifications(asset.id)).toEqual([]);
      const ready = await registry.transition(asset.id, { from: ['delivering'], to: 'ready' });
      expect(await registry.transition(asset.id, { from: ['delivering'], to: 'ready' })).toBeNull();
      const recorded = await recordedNotifications(asset.id);
      expect(recorded).toEqual([
        { id: expect.stringMatching(/^ntf_/), type: 'asset.ready', createdAt: ready!.updatedAt, data: { asset: ready } },
      ]);
    });

    it('records no notification for non-terminal transitions, and a distinct one per terminal transition', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await registry.transition(asset.id, { from: ['queued'], to: 'validating' });
      expect(await recordedNotifications(asset.id)).toEqual([]);
      const error = { code: 'timeout' as const, message: 'slow', stage: 'validate' as const };
      await registry.transition(asset.id, { from: ['validating'], to: 'failed', patch: { error } });
      await registry.transition(asset.id, { from: ['failed'], to: 'validating', patch: { error: null } });
      await registry.transition(asset.id, { from: ['validating'], to: 'failed', patch: { error } });
      const recorded = await recordedNotifications(asset.id);
      expect(recorded.map((notification) => notification.type)).toEqual(['asset.failed', 'asset.failed']);
      expect(new Set(recorded.map((notification) => notification.id)).size).toBe(2);
      expect(recorded[0]!.data.asset.error).toEqual(error);
    });

    it('records asset.version.created once per new version, not when a known version is refreshed', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await Promise.all([
        registry.recordVersion(asset.id, version('v1', 1_000)),
        registry.recordVersion(asset.id, version('v1', 1_000)),
      ]);
      await registry.recordVersion(asset.id, { ...version('v1', 1_500), name: 'Version 1' });
      await registry.recordVersion(asset.id, version('v2', 2_000));
      const recorded = await recordedNotifications(asset.id);
      expect(recorded.map((notification) => notification.type)).toEqual(['asset.version.created', 'asset.version.created']);
      expect(recorded[1]!.data.asset.versions?.map((v) => v.versionId)).toEqual(['v1', 'v2']);
      expect(recorded[0]!.id).not.toBe(recorded[1]!.id);
    });

    it('lists assets newest first in pages, by status, following status changes', async () => {
      // Far in the future, so these come before every other test's assets in this registry.
      const base = Date.parse('2999-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(base + ms).toISOString();
      const assets = [0, 1, 2, 3, 4].map((i) => newAsset({ createdAt: at(i * 1000), updatedAt: at(i * 1000) }));
      const twin = newAsset({ createdAt: at(4000), updatedAt: at(4000) });
      for (const asset of [...assets, twin]) await registry.create(asset);
      const newestIds = [assets[4]!.id, twin.id].sort().reverse();

      const first = await registry.list({ limit: 3 });
      expect(first.assets.map((a) => a.id)).toEqual([...newestIds, assets[3]!.id]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await registry.list({ limit: 3, cursor: first.nextCursor! });
      expect(second.assets.map((a) => a.id).slice(0, 3)).toEqual([assets[2]!.id, assets[1]!.id, assets[0]!.id]);

      await registry.transition(assets[1]!.id, { from: ['queued'], to: 'validating' });
      const validating = await registry.list({ status: 'validating', limit: 10 });
      expect(validating.assets.map((a) => a.id)).toContain(assets[1]!.id);
      expect(validating.assets.every((a) => a.status === 'validating')).toBe(true);
      const queued = await registry.list({ status: 'queued', limit: 4 });
      expect(queued.assets.map((a) => a.id)).toEqual([...newestIds, assets[3]!.id, assets[2]!.id]);
      expect(queued.assets.map((a) => a.id)).not.toContain(assets[1]!.id);
      await expect(registry.list({ limit: 1, cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'bad_request' });
    });

    describeFindConformance(() => registry);
  });
}
