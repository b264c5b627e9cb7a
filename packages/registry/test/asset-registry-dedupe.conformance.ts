import { createHash } from 'node:crypto';
import type { Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';
import { markDeleted, newAsset } from './conformance-fixtures';

/** A digest of its own for each test. */
const digest = () => createHash('sha256').update(Math.random().toString()).digest('hex');

/** An asset whose original has `sha256`, created now in `folder`. */
function withOriginal(sha256: string, overrides: Partial<Asset> = {}): Asset {
  return newAsset({ original: { key: 'staging/x/original', bytes: 10, sha256 }, folder: 'dupes', ...overrides });
}

/** The duplicate index every AssetRegistry adapter promises (part of its conformance suite). */
export function describeDedupeConformance(registryOf: () => AssetRegistry): void {
  describe('duplicates', () => {
    let registry: AssetRegistry;
    beforeAll(() => {
      registry = registryOf();
    });

    it('creates the first asset of an original and answers it for the next, storing nothing', async () => {
      const sha = digest();
      const first = withOriginal(sha);
      expect(await registry.createUnlessDuplicate(first)).toBeNull();
      const second = withOriginal(sha);
      expect(await registry.createUnlessDuplicate(second)).toBe(first.id);
      expect(await registry.get(second.id)).toBeNull();
      await expect(registry.createUnlessDuplicate(first)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('matches only the same policy, destination and folder', async () => {
      const sha = digest();
      const first = withOriginal(sha);
      await registry.create(first);
      for (const other of [
        withOriginal(sha, { folder: 'elsewhere' }),
        withOriginal(sha, { folder: undefined }),
        withOriginal(sha, { policy: 'mobile' }),
        withOriginal(sha, { destination: 's3' }),
        withOriginal(digest()),
      ]) {
        expect(await registry.createUnlessDuplicate(other)).toBeNull();
      }
    });

    it('forgets an original once it is rejected, failed or deleted, and knows it again when retried', async () => {
      for (const to of ['rejected', 'failed', 'deleted'] as const) {
        const sha = digest();
        const first = withOriginal(sha);
        await registry.create(first);
        if (to === 'deleted') await markDeleted(registry, first.id, ['queued']);
        else await registry.transition(first.id, { from: ['queued'], to });
        const next = withOriginal(sha);
        expect([to, await registry.createUnlessDuplicate(next)]).toEqual([to, null]);
      }
      const sha = digest();
      const failed = withOriginal(sha, { status: 'failed' });
      await registry.create(failed);
      expect(await registry.claimOriginal(withOriginal(sha).id, sha).catch((err: { code: string }) => err.code)).toBe(
        'not_found',
      );
      await registry.transition(failed.id, { from: ['failed'], to: 'queued' });
      expect(await registry.createUnlessDuplicate(withOriginal(sha))).toBe(failed.id);
    });

    it('does not count an asset still awaiting its upload', async () => {
      const sha = digest();
      await registry.create(withOriginal(sha, { status: 'awaiting_upload' }));
      expect(await registry.createUnlessDuplicate(withOriginal(sha))).toBeNull();
    });

    it('creates exactly one of identical uploads at once', async () => {
      const sha = digest();
      const assets = Array.from({ length: 10 }, () => withOriginal(sha));
      const results = await Promise.all(assets.map((asset) => registry.createUnlessDuplicate(asset)));
      const created = assets.filter((_, i) => results[i] === null);
      expect(created).toHaveLength(1);
      expect(new Set(results.filter(Boolean))).toEqual(new Set([created[0]!.id]));
    });

    it('claims an original for the first asset that records it and answers it to the next', async () => {
      const sha = digest();
      const a = withOriginal(sha, { original: { key: 'k', bytes: 3 } });
      const b = withOriginal(sha, { original: { key: 'k', bytes: 3 } });
      await registry.create(a);
      await registry.create(b);
      expect(await registry.claimOriginal(b.id, sha)).toBeNull();
      expect((await registry.get(b.id))?.original).toEqual({ key: 'k', bytes: 3, sha256: sha });
      expect(await registry.claimOriginal(a.id, sha)).toBe(b.id);
      expect((await registry.get(a.id))?.original?.sha256).toBeUndefined();
      // Repeating a successful claim is harmless.
      expect(await registry.claimOriginal(b.id, sha)).toBeNull();
    });

    it('lets exactly one of concurrent claims pass; between assets recorded before, the oldest', async () => {
      const sha = digest();
      const assets = Array.from({ length: 8 }, () => withOriginal(sha, { original: { key: 'k', bytes: 3 } }));
      for (const asset of assets) await registry.create(asset);
      const results = await Promise.all(assets.map((asset) => registry.claimOriginal(asset.id, sha)));
      expect(results.filter((result) => result === null)).toHaveLength(1);
      const older = withOriginal(digest(), { createdAt: new Date(Date.now() - 60_000).toISOString() });
      const newer = withOriginal(older.original!.sha256!);
      await registry.create(older);
      await registry.create(newer);
      expect(await registry.claimOriginal(newer.id, newer.original!.sha256!)).toBe(older.id);
      expect(await registry.claimOriginal(older.id, older.original!.sha256!)).toBeNull();
    });
  });
}
