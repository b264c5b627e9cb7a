import type { Asset } from '@ingestkit/contracts';
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
