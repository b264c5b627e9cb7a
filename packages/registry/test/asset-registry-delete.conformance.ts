import { AssetStatus, lifecycle, type Asset, type Notification } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';
import { newAsset } from './conformance-fixtures';

/**
 * Deleting (the tombstone) as every AssetRegistry adapter promises it: `lifecycle.deleted` from
 * any status records who and when with one `asset.deleted` notification, nothing moves an asset
 * out of `deleted`, and listing hides tombstones unless asked for `status: deleted`.
 */
export function describeDeleteConformance(
  subject: () => { registry: AssetRegistry; recordedNotifications(assetId: string): Promise<Notification[]> },
): void {
  describe('deleting', () => {
    const deletedBy = { keyId: 'key-1' };

    it('moves an asset of every status to deleted with who and when, recording one asset.deleted', async () => {
      const { registry, recordedNotifications } = subject();
      for (const status of AssetStatus.options.filter((candidate) => candidate !== 'deleted')) {
        const asset = newAsset({ status });
        await registry.create(asset);
        const deletedAt = new Date().toISOString();
        const tombstone = await registry.transition(asset.id, { ...lifecycle.deleted, patch: { deletedAt, deletedBy } });
        expect(tombstone).toMatchObject({ id: asset.id, status: 'deleted', deletedAt, deletedBy });
        expect(await registry.get(asset.id)).toEqual(tombstone);
        const again = await registry.transition(asset.id, { ...lifecycle.deleted, patch: { deletedAt, deletedBy } });
        expect(again).toBeNull();
        const recorded = await recordedNotifications(asset.id);
        expect(recorded.map((notification) => notification.type)).toEqual(['asset.deleted']);
        expect(recorded[0]!.data.asset).toMatchObject({ status: 'deleted', deletedAt, deletedBy });
      }
    });

    it('lets no lifecycle move take an asset out of deleted', async () => {
      const { registry } = subject();
      const asset = newAsset({ status: 'delivering' });
      await registry.create(asset);
      await registry.transition(asset.id, { ...lifecycle.deleted, patch: { deletedAt: new Date().toISOString() } });
      const moves = [
        lifecycle.delivered,
        lifecycle.enter('validate'),
        lifecycle.enter('optimize'),
        lifecycle.enter('deliver'),
        lifecycle.finalFailure('deliver', true),
        lifecycle.finalFailure('deliver', false),
        lifecycle.retry('deliver'),
        lifecycle.revived,
        lifecycle.stranded,
        lifecycle.uploadArrived,
      ];
      for (const move of moves) expect(await registry.transition(asset.id, move)).toBeNull();
      expect((await registry.get(asset.id))?.status).toBe('deleted');
    });

    it('hides deleted assets from every listing unless status=deleted is asked for', async () => {
      const { registry } = subject();
      const t = Math.random().toString(36).slice(2, 10);
      const at = Date.parse('3900-01-01T00:00:00.000Z') + Math.floor(Math.random() * 1e9);
      const make = (i: number, overrides: Partial<Asset>) =>
        newAsset({ folder: t, tags: [t], ...overrides, createdAt: new Date(at + i).toISOString() });
      const [kept, gone, goneToo] = [make(0, { status: 'ready' }), make(1, { status: 'ready' }), make(2, { status: 'queued' })];
      for (const asset of [kept, gone, goneToo]) await registry.create(asset);
      for (const asset of [gone, goneToo]) {
        await registry.transition(asset.id, { ...lifecycle.deleted, patch: { deletedAt: new Date().toISOString() } });
      }
      const ids = async (query: Parameters<AssetRegistry['list']>[0]) => {
        const found: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await registry.list({ ...query, ...(cursor ? { cursor } : {}) });
          found.push(...page.assets.map((asset) => asset.id));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      const window = { createdAfter: new Date(at).toISOString(), createdBefore: new Date(at + 10).toISOString() };
      expect(await ids({ limit: 1, ...window })).toEqual([kept.id]);
      expect(await ids({ limit: 1, folder: t })).toEqual([kept.id]);
      expect(await ids({ limit: 1, tag: t, folder: t })).toEqual([kept.id]);
      expect(await ids({ limit: 1, status: 'deleted', folder: t })).toEqual([goneToo.id, gone.id]);
      expect(await ids({ limit: 5, status: 'deleted', ...window })).toEqual([goneToo.id, gone.id]);
      expect(await ids({ limit: 5, status: 'ready', folder: t })).toEqual([kept.id]);
    });
  });
}
