import { stagingKeys, type Asset, type AssetOutput } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from '../destinations/destination';
import { removeKeptOriginal } from '../erase/kept-original';
import type { KeptOriginals } from '../originals/kept-originals';

/**
 * Removes the asset's staging objects if it is deleted: a stage that was running when the asset
 * was deleted may have staged files after the eraser cleaned staging. Returns whether it was.
 */
export async function cleanStagingIfDeleted(deps: { registry: AssetRegistry; staging: ObjectStore }, assetId: string) {
  if ((await deps.registry.get(assetId))?.status !== 'deleted') return false;
  await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
  return true;
}

/**
 * The race a delete can lose otherwise: a deliver job put the files at the destination, then
 * its `ready` transition was refused because the asset was deleted meanwhile. The eraser may
 * have run before the files arrived (it found nothing to remove) or after (it removed them), so
 * the deliver job removes what it just placed itself, then staging; both removals are
 * idempotent. Returns whether the asset was deleted (then the job is done).
 */
export async function removeIfDeletedMeanwhile(
  deps: { registry: AssetRegistry; staging: ObjectStore; originals?: KeptOriginals | undefined },
  input: { asset: Asset; destination: Destination; placed: AssetOutput; logger: Logger },
): Promise<boolean> {
  const now = await deps.registry.get(input.asset.id);
  if (now?.status !== 'deleted') return false;
  await input.destination.remove({ asset: input.asset, output: input.placed });
  // The original was kept just before the refused `ready` (keep-original.ts).
  await removeKeptOriginal(deps.originals, input.asset.id);
  await deps.staging.deletePrefix(stagingKeys.prefix(input.asset.id));
  input.logger.info({ key: input.placed.key }, 'asset was deleted while it was delivered; removed what was delivered');
  return true;
}

/**
 * A deliver job that finds its asset deleted (its entry was refused) removes what an earlier
 * attempt of it may have placed: an attempt that put files after the eraser ran and was killed
 * before its `ready` transition (found by the chaos suite) left them for nobody else to find.
 * Keys derive from the asset, so this finds them without a record; removing nothing is cheap.
 */
export async function removeDeliveredIfDeleted(
  deps: {
    registry: AssetRegistry;
    staging: ObjectStore;
    destinations: Partial<Record<string, Destination>>;
    originals?: KeptOriginals | undefined;
  },
  assetId: string,
): Promise<boolean> {
  const asset = await deps.registry.get(assetId);
  if (asset?.status !== 'deleted') return false;
  await deps.destinations[asset.destination]?.remove({ asset, ...(asset.output ? { output: asset.output } : {}) });
  await removeKeptOriginal(deps.originals, assetId);
  await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
  return true;
}
