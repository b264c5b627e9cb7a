import type { KeptOriginals } from '../originals/kept-originals';

/**
 * Removes everything the originals store keeps for the asset (`Originals.prefixOf`), when
 * originals are kept. By the asset id, not `original.retained`: a delivery that kept the
 * original and then found the asset deleted never recorded it. Removing nothing is a no-op, so
 * a repeated erase is harmless; a retention index entry left behind is dropped by the sweeper.
 */
export async function removeKeptOriginal(kept: KeptOriginals | undefined, assetId: string): Promise<void> {
  if (!kept) return;
  await kept.originals.store.deletePrefix(kept.originals.prefixOf(assetId));
}
