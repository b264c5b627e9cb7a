import { IngestError, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';

/**
 * The duplicate check of a `dedupe` asset, for originals the gateway did not hash as it stored
 * them (direct uploads, jobs): records the digest unless another eligible asset (not
 * `awaiting_upload`, `rejected`, `failed` or `deleted`) with the same original, policy,
 * destination and folder is its original, in one atomic step (`claimOriginal`), so of two
 * identical uploads validated at once exactly one goes on. The other is refused with the
 * permanent `duplicate` (`details.assetId`: the existing asset): it ends `rejected`, its
 * staging is removed and nothing is delivered. Streamed uploads were checked at creation
 * (`createUnlessDuplicate`) and are not claimed again.
 */
export async function claimOriginalOrRefuse(registry: AssetRegistry, asset: Asset, sha256: string): Promise<void> {
  const existing = await registry.claimOriginal(asset.id, sha256);
  if (existing === null) return;
  throw new IngestError('duplicate', `the same image was already uploaded as ${existing} (same policy, destination and folder)`, {
    details: { assetId: existing },
  });
}
