import { lifecycle, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry, ListAssetsInput } from '../src/asset-registry';
import { newAsset, version } from './conformance-fixtures';

/** A short random token, so each test's folders, tags and policies are its own. */
const token = () => Math.random().toString(36).slice(2, 10);

/** Whether an asset matches a list query's filters (the oracle of the filter tests). */
function matches(asset: Asset, query: Omit<ListAssetsInput, 'limit'>): boolean {
  const created = Date.parse(asset.createdAt);
  const folder = asset.folder ?? '';
  return (
    (query.status === undefined || asset.status === query.status) &&
    (query.folder === undefined || folder === query.folder) &&
    (query.folderPrefix === undefined || folder === query.folderPrefix || folder.startsWith(`${query.folderPrefix}/`)) &&
    (query.tag === undefined || asset.tags.includes(query.tag)) &&
    (query.policy === undefined || asset.policy === query.policy) &&
    (query.destination === undefined || asset.destination === query.destination) &&
    (query.createdAfter === undefined || created >= Date.parse(query.createdAfter)) &&
    (query.createdBefore === undefined || created < Date.parse(query.createdBefore))
  );
}

/** The listing filters every AssetRegistry adapter promises (part of its conformance suite). */
export function describeFindConformance(registryOf: () => AssetRegistry): void {
  describe('listing filters', () => {
    let registry: AssetRegistry;
    beforeAll(() => {
      registry = registryOf();
    });

    // Each call hands out an era later than every asset created before it, so a test that lists
    // without a narrowing filter sees its own assets first (tests in a file run in order).
    let nextEra = Date.parse('3000-01-01T00:00:00.000Z');
    const era = () => {
      const base = (nextEra += 86_400_000);
      return (ms: number) => new Date(base + ms).toISOString();
    };
    const ids = (assets: Asset[]) => assets.map((asset) => asset.id);

    /** Every page of a query, checking that no page is over its limit and nothing repeats. */
    async function listAll(query: Omit<ListAssetsInput, 'limit' | 'cursor'>, limit = 2): Promise<Asset[]> {
      const all: Asset[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 1_000; page++) {
        const result = await registry.list({ ...query, limit, ...(cursor ? { cursor } : {}) });
        expect(result.assets.length).toBeLessThanOrEqual(limit);
        all.push(...result.assets);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      expect(new Set(ids(all)).size).toBe(all.length);
      return all;
    }

    /** Four assets across folders, tags, policies, destinations and statuses, oldest first. */
    async function createFixture() {
      const t = token();
      const at = era();
      const [a1, a2, a3, a4] = [
        newAsset({ folder: `${t}/a`, tags: ['red', t], policy: `p${t}`, destination: 's3' }),
        newAsset({ folder: `${t}/a/b`, tags: ['blue'], policy: `p${t}`, destination: 'imagekit' }),
        newAsset({ folder: `${t}/ab`, tags: [t, 'red'], policy: `q${t}`, destination: 's3' }),
        newAsset({ tags: [], policy: `q${t}`, destination: 'local', status: 'ready' }),
      ].map((asset, i) => ({ ...asset, createdAt: at(i * 1000), updatedAt: at(i * 1000) })) as [Asset, Asset, Asset, Asset];
      for (const asset of [a1, a2, a3, a4]) await registry.create(asset);
      return { t, at, a1, a2, a3, a4 };
    }

    it('filters by each of folder, folder prefix, tag, policy, destination, status and creation time', async () => {
      const { t, at, a1, a2, a3, a4 } = await createFixture();
      const list = async (query: Omit<ListAssetsInput, 'limit'>, limit = 10) =>
        ids((await registry.list({ ...query, limit })).assets);
      expect(await list({ folder: `${t}/a` })).toEqual([a1.id]);
      expect(await list({ folderPrefix: `${t}/a` })).toEqual([a2.id, a1.id]);
      expect(await list({ folderPrefix: t })).toEqual([a3.id, a2.id, a1.id]);
      expect(await list({ tag: t })).toEqual([a3.id, a1.id]);
      expect(await list({ policy: `p${t}` })).toEqual([a2.id, a1.id]);
      expect(await list({ policy: `q${t}` })).toEqual([a4.id, a3.id]);
      expect(await list({ destination: 's3' }, 2)).toEqual([a3.id, a1.id]);
      expect(await list({ destination: 'imagekit' }, 1)).toEqual([a2.id]);
      expect(await list({ status: 'ready' }, 1)).toEqual([a4.id]);
      expect(await list({ createdAfter: at(0) })).toEqual([a4.id, a3.id, a2.id, a1.id]);
      expect(await list({ createdAfter: at(1000) })).toEqual([a4.id, a3.id, a2.id]);
      expect(await list({ createdBefore: at(1000) }, 1)).toEqual([a1.id]);
      expect(await list({ createdAfter: at(1000), createdBefore: at(3000) })).toEqual([a3.id, a2.id]);
      expect(await list({ createdAfter: at(999), createdBefore: at(1001) })).toEqual([a2.id]);
    });

    it('combines filters: every one must hold', async () => {
      const { t, at, a1, a2, a3, a4 } = await createFixture();
      const list = async (query: Omit<ListAssetsInput, 'limit'>) => ids(await listAll(query, 10));
      expect(await list({ folderPrefix: t, tag: 'red' })).toEqual([a3.id, a1.id]);
      expect(await list({ folderPrefix: `${t}/a`, destination: 's3' })).toEqual([a1.id]);
      expect(await list({ tag: 'red', policy: `q${t}` })).toEqual([a3.id]);
      expect(await list({ status: 'queued', folderPrefix: t, createdAfter: at(1000) })).toEqual([a3.id, a2.id]);
      expect(await list({ policy: `q${t}`, status: 'ready', destination: 'local' })).toEqual([a4.id]);
      expect(await list({ folder: `${t}/a`, tag: 'blue' })).toEqual([]);
      expect(await list({ folder: `${t}/a/b`, folderPrefix: t, tag: 'blue', policy: `p${t}`, destination: 'imagekit' })).toEqual([
        a2.id,
      ]);
      expect(await list({ tag: t, createdBefore: at(2000) })).toEqual([a1.id]);
    });

    it('matches a folder prefix at segment boundaries only', async () => {
      const t = token();
      const [b, bc, bChild, other] = await Promise.all(
        [`${t}/a/b`, `${t}/a/bc`, `${t}/a/b/c`, `${t}-x/a/b`].map(async (folder) => {
          const asset = newAsset({ folder });
          await registry.create(asset);
          return asset;
        }),
      );
      const sorted = (assets: Asset[]) => ids(assets).sort();
      expect(sorted(await listAll({ folderPrefix: `${t}/a/b` }))).toEqual(sorted([b!, bChild!]));
      expect(sorted(await listAll({ folder: `${t}/a/b` }))).toEqual([b!.id]);
      expect(sorted(await listAll({ folderPrefix: `${t}/a` }))).toEqual(sorted([b!, bc!, bChild!]));
      expect(sorted(await listAll({ folderPrefix: t }))).toEqual(sorted([b!, bc!, bChild!]));
      expect(sorted(await listAll({ folderPrefix: `${t}-x` }))).toEqual([other!.id]);
      expect(await listAll({ folderPrefix: `${t}/a/b/c/d` })).toEqual([]);
    });

    it('pages under each filter, newest first, through assets that do not match', async () => {
      const t = token();
      const at = era();
      const created: Asset[] = [];
      for (let i = 0; i < 14; i++) {
        const isMatch = i % 2 === 0;
        const asset = newAsset({
          folder: isMatch ? `${t}/in/${i}` : `${t}/out`,
          tags: isMatch ? [t] : ['other'],
          policy: isMatch ? `p${t}` : `o${t}`,
          destination: isMatch ? 'imagekit' : 's3',
          status: isMatch ? 'optimizing' : 'queued',
          createdAt: at(i * 10),
          updatedAt: at(i * 10),
        });
        await registry.create(asset);
        created.push(asset);
      }
      const expected = ids(created.filter((_, i) => i % 2 === 0).reverse());
      for (const query of [
        { folderPrefix: `${t}/in` },
        { tag: t },
        { policy: `p${t}` },
        { folderPrefix: t, destination: 'imagekit' as const },
        { folderPrefix: t, status: 'optimizing' as const },
        { tag: t, createdAfter: at(0), createdBefore: at(1000) },
      ]) {
        expect({ query, ids: ids(await listAll(query, 3)) }).toEqual({ query, ids: expected });
      }
      const inWindow = ids(await listAll({ createdAfter: at(30), createdBefore: at(90) }, 2));
      expect(inWindow).toEqual(ids(created.slice(3, 9).reverse()));
      const firstPage = await registry.list({ tag: t, limit: 3 });
      expect(firstPage.nextCursor).toEqual(expect.any(String));
      await expect(registry.list({ tag: t, limit: 3, cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'bad_request' });
    });

    it('answers an empty last page for a filter that matches nothing', async () => {
      const { t, at } = await createFixture();
      for (const query of [
        { folder: `nothing-${t}` },
        { folderPrefix: `nothing-${t}` },
        { tag: `nothing-${t}` },
        { policy: `nothing-${t}` },
        { folderPrefix: t, status: 'failed' as const },
        { folderPrefix: t, createdAfter: at(5000) },
        { createdAfter: at(3000), createdBefore: at(0) },
      ]) {
        expect({ query, page: await registry.list({ ...query, limit: 5 }) }).toEqual({ query, page: { assets: [] } });
      }
    });

    it('follows status transitions, tag updates and other writes in every index', async () => {
      const t = token();
      const asset = newAsset({ folder: `${t}/x`, tags: ['old'], policy: `p${t}`, destination: 's3' });
      await registry.create(asset);
      const find = async (query: Omit<ListAssetsInput, 'limit'>) => ids(await listAll({ folderPrefix: t, ...query }, 5));

      await registry.transition(asset.id, { from: ['queued'], to: 'validating' });
      expect(await find({ status: 'queued' })).toEqual([]);
      expect(await find({ status: 'validating', tag: 'old', policy: `p${t}`, destination: 's3' })).toEqual([asset.id]);

      await registry.update(asset.id, { tags: ['new', t] });
      expect(await find({ tag: 'old' })).toEqual([]);
      expect(await find({ tag: 'new', status: 'validating' })).toEqual([asset.id]);
      expect(await find({ tag: t })).toEqual([asset.id]);
      expect((await registry.get(asset.id))?.tags).toEqual(['new', t]);

      await registry.update(asset.id, { error: null, output: null });
      await registry.recordTiming(asset.id, 'validate', {
        startedAt: asset.createdAt,
        finishedAt: asset.createdAt,
        durationMs: 0,
      });
      await registry.recordVersion(asset.id, version('v1', 1_000));
      expect(await registry.transition(asset.id, lifecycle.delivered)).toBeNull();
      expect(await find({ folder: `${t}/x`, tag: 'new', status: 'validating' })).toEqual([asset.id]);

      await registry.transition(asset.id, {
        from: ['validating'],
        to: 'failed',
        patch: { error: { code: 'timeout', message: 'slow' } },
      });
      await registry.update(asset.id, { tags: [] });
      expect(await find({ status: 'validating' })).toEqual([]);
      expect(await find({ tag: 'new' })).toEqual([]);
      expect(await find({ status: 'failed', policy: `p${t}` })).toEqual([asset.id]);
    });

    it('moves a reprocessed asset to its new policy index with its reprocess record, in the same transition', async () => {
      const t = token();
      const asset = newAsset({ folder: t, policy: `old${t}`, status: 'ready', overrides: { quality: 40 } });
      await registry.create(asset);
      const reprocessing = { previousOutputs: [], runId: 'rpr_x', requestedAt: asset.createdAt };
      const moved = await registry.transition(asset.id, {
        from: ['ready', 'failed'],
        to: 'queued',
        patch: { policy: `new${t}`, overrides: null, reprocessing },
      });
      expect(moved).toMatchObject({ status: 'queued', policy: `new${t}`, reprocessing });
      expect(moved?.overrides).toBeUndefined();
      expect(ids(await listAll({ folder: t, policy: `old${t}` }))).toEqual([]);
      expect(ids(await listAll({ folder: t, policy: `new${t}`, status: 'queued' }))).toEqual([asset.id]);
      await registry.update(asset.id, { reprocessing: { ...reprocessing, completedAt: asset.createdAt } });
      expect((await registry.get(asset.id))?.reprocessing?.completedAt).toBe(asset.createdAt);
    });

    it('keeps every filter consistent with the records under many concurrent creates, transitions and updates', async () => {
      const t = token();
      const folders = [`${t}/a`, `${t}/a/b`, `${t}/c`, undefined];
      const tags = ['t0', 't1', 't2'];
      const assets = Array.from({ length: 40 }, (_, i) =>
        newAsset({
          folder: folders[i % folders.length],
          tags: [tags[i % 3]!, ...(i % 5 === 0 ? [tags[(i + 1) % 3]!] : [])],
          policy: `p${i % 2}`,
          destination: (['local', 's3', 'imagekit'] as const)[i % 3],
        }),
      );
      // An asset without a folder is out of the folderPrefix filter; tag them all with `t`.
      for (const asset of assets) asset.tags.push(t);
      await Promise.all(assets.map((asset) => registry.create(asset)));
      await Promise.all(
        assets.flatMap((asset, i) => [
          registry.transition(asset.id, { from: ['queued'], to: 'validating' }),
          registry.transition(asset.id, i % 2 ? lifecycle.enter('optimize') : lifecycle.finalFailure('validate', true)),
          registry.transition(asset.id, lifecycle.enter('deliver')),
          registry.transition(asset.id, lifecycle.delivered),
          ...(i % 4 === 0 ? [registry.update(asset.id, { tags: [tags[(i + 2) % 3]!, t] })] : []),
          registry.recordTiming(asset.id, 'validate', { startedAt: asset.createdAt, finishedAt: asset.createdAt, durationMs: 1 }),
        ]),
      );
      const records = (await Promise.all(assets.map((asset) => registry.get(asset.id)))) as Asset[];
      const queries: Array<Omit<ListAssetsInput, 'limit'>> = [
        { tag: t },
        ...['queued', 'validating', 'optimizing', 'ready', 'failed'].map((status) => ({
          tag: t,
          status: status as Asset['status'],
        })),
        ...tags.map((tag) => ({ tag, folderPrefix: t })),
        ...tags.map((tag) => ({
          tag,
          folderPrefix: `${t}/a`,
          status: 'ready' as const,
          policy: 'p1',
          destination: 's3' as const,
        })),
        { folderPrefix: `${t}/a` },
        { folder: `${t}/a` },
        { folder: `${t}/c`, policy: 'p0' },
        ...(['local', 's3', 'imagekit'] as const).map((destination) => ({ tag: t, destination })),
      ];
      for (const query of queries) {
        const expected = records
          .filter((record) => matches(record, query))
          .map((record) => record.id)
          .sort();
        const listed = await listAll(query, 7);
        expect(listed.every((asset) => matches(asset, query))).toBe(true);
        expect({ query, ids: ids(listed).sort() }).toEqual({ query, ids: expected });
      }
    });
  });
}
