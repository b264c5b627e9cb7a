import { AssetMergePatch, applyMergePatch, mergeAssetFields } from './asset-patch';
import { dedupeOf } from './dedupe';
import { jobIdFor, queueNames } from './jobs';

describe('applyMergePatch (RFC 7396)', () => {
  it('merges objects recursively, removes on null and replaces everything else', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] };
    expect(applyMergePatch(target, { a: 'z', c: { f: null }, list: [3] })).toEqual({ a: 'z', c: { d: 'e' }, list: [3] });
    // Appendix A of the RFC, a few rows.
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch(['a', 'b'], { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
    expect(target).toEqual({ a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] });
  });
});

describe('mergeAssetFields', () => {
  const current = { tags: ['a', 'b'], metadata: { camera: 'x', keep: 1 } };

  it('replaces tags whole and merges metadata; absent fields stay', () => {
    expect(mergeAssetFields(current, { tags: ['c'] })).toEqual({ tags: ['c'], metadata: current.metadata });
    expect(mergeAssetFields(current, { metadata: { camera: null, lens: 'y' } })).toEqual({
      tags: ['a', 'b'],
      metadata: { keep: 1, lens: 'y' },
    });
    expect(mergeAssetFields(current, { tags: null, metadata: null })).toEqual({ tags: [], metadata: {} });
  });

  it('refuses a result past intake limits with bad_request', () => {
    expect(() => mergeAssetFields(current, { metadata: { big: 'x'.repeat(17 * 1024) } })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } };
    expect(() => mergeAssetFields(current, { metadata: deep })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('accepts only tags and metadata, tags as intake does', () => {
    expect(AssetMergePatch.safeParse({ status: 'ready' }).success).toBe(false);
    expect(AssetMergePatch.safeParse({ tags: ['bad/tag'] }).success).toBe(false);
    expect(AssetMergePatch.safeParse({ tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }).success).toBe(false);
    expect(AssetMergePatch.safeParse({ metadata: [] }).success).toBe(false);
    expect(AssetMergePatch.safeParse({ tags: ['ok'], metadata: { a: null } }).success).toBe(true);
  });
});

describe('dedupeOf', () => {
  const policies = { thumbs: { kind: 'delivery' as const, dedupe: true }, master: { kind: 'master' as const, dedupe: true } };

  it('takes the request first, then the policy (default resolved by destination), else false', () => {
    expect(dedupeOf({ asked: false, policies, policy: 'thumbs', destination: 's3' })).toBe(false);
    expect(dedupeOf({ asked: undefined, policies, policy: 'thumbs', destination: 's3' })).toBe(true);
    expect(dedupeOf({ asked: undefined, policies, policy: 'default', destination: 'imagekit' })).toBe(true);
    expect(dedupeOf({ asked: undefined, policies, policy: 'default', destination: 'local' })).toBe(false);
    expect(dedupeOf({ asked: undefined, policies, policy: 'constructor', destination: 'local' })).toBe(false);
    expect(dedupeOf({ asked: true, policies: {}, policy: 'nope', destination: 'local' })).toBe(true);
  });
});

describe('imagekit.sync job ids', () => {
  it('differ per revision of the same asset', () => {
    const assetId = 'ast_AAAAAAAAAAAAAAAAAAAAAA';
    const first = jobIdFor(queueNames.imagekitSync, { version: 1, assetId, revision: 3 });
    expect(first).toBe(`${assetId}-imagekit-sync-r3`);
    expect(jobIdFor(queueNames.imagekitSync, { version: 1, assetId, revision: 4 })).not.toBe(first);
  });
});
