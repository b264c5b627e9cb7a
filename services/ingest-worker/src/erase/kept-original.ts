import type { Asset } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';

/**
 * Removes the asset's kept original from the originals store (`original.retained.key`), when
 * originals are kept (`originals` given) and this asset has one. Deleting a missing object is
 * a no-op, so a repeated erase is harmless.
 */
export async function removeKeptOriginal(originals: ObjectStore | undefined, asset: Asset): Promise<void> {
  // Read loosely: `AssetOriginal.retained` is added to the contracts with the originals store.
  const retained = (asset.original as { retained?: { key?: unknown } } | undefined)?.retained;
  if (!originals || typeof retained?.key !== 'string') return;
  await originals.delete(retained.key);
}
