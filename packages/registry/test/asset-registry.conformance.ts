import { newAssetId, type Asset, type Notification } from '@ingestkit/contracts';
import { makeAsset } from '@ingestkit/testkit';
import type { AssetRegistry, ListAssetsInput } from '../src/asset-registry';

/** An asset with nested metadata and an original, so round trips cover JSON fields. */
function newAsset(overrides: Partial<Asset> = {}): Asset {
  return makeAsset({
    metadata: { nested: { list: [1, 2] } },
    original: { key: 'staging/x/original', bytes: 10, sha256: 'a'.repeat(64) },
    ...overrides,
  });
}

function version(versionId: string, atMs: number) {
  return {
    versionId,
    url: `https://ik.imagekit.io/demo/a.jpg?updatedAt=${atMs}`,
    createdAt: new Date(atMs).toISOString(),
  };
}

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
      expect(await registry.transition(asset.id, { from: ['queued'], to: 'ready' })).toBeNull();
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
      expect(await registry.transition(asset.id, { from: ['queued'], to: 'ready' })).toBeNull();
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
          registry.transition(asset.id, { from: ['queued', 'validating'], to: i % 2 ? 'optimizing' : 'failed' }),
          registry.transition(asset.id, { from: ['validating', 'optimizing'], to: 'ready' }),
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
