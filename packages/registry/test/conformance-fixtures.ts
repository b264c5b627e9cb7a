import type { Asset, AssetStatus } from '@ingestkit/contracts';
import type { AssetRegistry } from '../src/asset-registry';
import { makeAsset } from '@ingestkit/testkit';

/** An asset with nested metadata and an original, so round trips cover JSON fields. */
export function newAsset(overrides: Partial<Asset> = {}): Asset {
  return makeAsset({
    metadata: { nested: { list: [1, 2] } },
    original: { key: 'staging/x/original', bytes: 10, sha256: 'a'.repeat(64) },
    ...overrides,
  });
}

export function version(versionId: string, atMs: number) {
  return {
    versionId,
    url: `https://ik.imagekit.io/demo/a.jpg?updatedAt=${atMs}`,
    createdAt: new Date(atMs).toISOString(),
  };
}

/**
 * Moves an asset to `deleted` through `transition`. The status is added to `AssetStatus` by
 * another change; until then the write happens but reading the tombstone back (the
 * transition's answer) fails to parse, which is ignored here: the tests check what the write did.
 */
export async function markDeleted(registry: AssetRegistry, id: string, from: AssetStatus[]): Promise<void> {
  await registry.transition(id, { from, to: 'deleted' as AssetStatus }).catch(() => undefined);
}
