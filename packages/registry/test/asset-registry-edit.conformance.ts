import { lifecycle, type Notification } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';
import { markDeleted, newAsset } from './conformance-fixtures';

/** Edits (merge patches with revisions) every AssetRegistry adapter promises (part of its conformance suite). */
export function describeEditConformance(
  subject: () => { registry: AssetRegistry; recordedNotifications(assetId: string): Promise<Notification[]> },
): void {
  describe('edits and revisions', () => {
    let registry: AssetRegistry;
    beforeAll(() => {
      ({ registry } = subject());
    });

    it('starts a record at revision 0 and bumps it on every write', async () => {
      const asset = newAsset();
      await registry.create(asset);
      const revisionOf = async () => (await registry.get(asset.id))?.revision ?? 0;
      expect(await revisionOf()).toBe(0);
      await registry.transition(asset.id, { from: ['queued'], to: 'validating' });
      expect(await revisionOf()).toBe(1);
      await registry.recordTiming(asset.id, 'validate', {
        startedAt: asset.createdAt,
        finishedAt: asset.createdAt,
        durationMs: 0,
      });
      expect(await revisionOf()).toBe(2);
      await registry.update(asset.id, { tags: ['x'] });
      expect(await revisionOf()).toBe(3);
      await registry.recordVersion(asset.id, {
        versionId: 'v1',
        url: 'https://ik.imagekit.io/demo/a.jpg?updatedAt=1',
        createdAt: asset.createdAt,
      });
      expect(await revisionOf()).toBe(4);
      // A transition refused (the asset is validating, not awaiting its upload) writes nothing.
      expect(await registry.transition(asset.id, lifecycle.uploadArrived)).toBeNull();
      expect(await revisionOf()).toBe(4);
    });

    it('merges metadata (null removes a key), replaces tags, and re-indexes the tags', async () => {
      const tag = `t${Math.random().toString(36).slice(2, 8)}`;
      const asset = newAsset({ tags: ['old', tag], metadata: { camera: 'x', nested: { a: 1, b: 2 } } });
      await registry.create(asset);
      const edited = await registry.edit(asset.id, {
        patch: { tags: ['new'], metadata: { camera: null, nested: { b: null, c: 3 } } },
      });
      expect(edited).toMatchObject({ tags: ['new'], metadata: { nested: { a: 1, c: 3 } }, revision: 1 });
      expect(edited.metadata).toEqual({ nested: { a: 1, c: 3 } });
      expect(await registry.get(asset.id)).toEqual(edited);
      expect((await registry.list({ tag, limit: 10 })).assets.map((a) => a.id)).toEqual([]);
      expect((await registry.list({ tag: 'new', limit: 1000 })).assets.map((a) => a.id)).toContain(asset.id);
      const untouched = await registry.edit(asset.id, { patch: {} });
      expect(untouched).toMatchObject({ tags: ['new'], metadata: edited.metadata, revision: 2 });
    });

    it('records one asset.updated per edit, carrying the asset as edited', async () => {
      const asset = newAsset();
      await registry.create(asset);
      await registry.edit(asset.id, { patch: { tags: ['a'] } });
      await registry.edit(asset.id, { patch: { tags: ['b'] } });
      const updates = (await subject().recordedNotifications(asset.id)).filter((n) => n.type === 'asset.updated');
      expect(updates.map((n) => [n.data.asset.tags, n.data.asset.revision])).toEqual([
        [['a'], 1],
        [['b'], 2],
      ]);
      expect(new Set(updates.map((n) => n.id)).size).toBe(2);
    });

    it('writes only at an expected revision (412 precondition_failed otherwise), and records nothing then', async () => {
      const asset = newAsset({ tags: ['a'] });
      await registry.create(asset);
      await registry.edit(asset.id, { patch: { tags: ['b'] }, ifRevisions: [0] });
      await expect(registry.edit(asset.id, { patch: { tags: ['c'] }, ifRevisions: [0] })).rejects.toMatchObject({
        code: 'precondition_failed',
        details: { revision: 1 },
      });
      expect((await registry.get(asset.id))?.tags).toEqual(['b']);
      expect((await subject().recordedNotifications(asset.id)).filter((n) => n.type === 'asset.updated')).toHaveLength(1);
      expect(await registry.edit(asset.id, { patch: { tags: ['c'] }, ifRevisions: [7, 1] })).toMatchObject({ tags: ['c'] });
    });

    it('lets exactly one of concurrent edits at the same revision win; without one, none is lost', async () => {
      const asset = newAsset({ metadata: {} });
      await registry.create(asset);
      const guarded = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => registry.edit(asset.id, { patch: { metadata: { winner: i } }, ifRevisions: [0] })),
      );
      expect(guarded.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const lost of guarded.filter((r) => r.status === 'rejected')) {
        expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'precondition_failed' });
      }
      await Promise.all(Array.from({ length: 8 }, (_, i) => registry.edit(asset.id, { patch: { metadata: { [`k${i}`]: i } } })));
      const after = await registry.get(asset.id);
      expect(Object.keys(after!.metadata).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'winner']);
      expect(after!.revision).toBe(9);
    });

    it('refuses an unknown id (not_found), a deleted asset (conflict) and a result past the limits (bad_request)', async () => {
      await expect(registry.edit(newAsset().id, { patch: { tags: [] } })).rejects.toMatchObject({ code: 'not_found' });
      const asset = newAsset();
      await registry.create(asset);
      await expect(registry.edit(asset.id, { patch: { metadata: { big: 'x'.repeat(20_000) } } })).rejects.toMatchObject({
        code: 'bad_request',
      });
      await markDeleted(registry, asset.id, ['queued']);
      await expect(registry.edit(asset.id, { patch: { tags: ['x'] } })).rejects.toMatchObject({ code: 'conflict' });
    });
  });
}
