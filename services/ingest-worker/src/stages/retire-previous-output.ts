import { isReprocessing, lifecycle, type Asset, type AssetOutput, type DestinationKind } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from '../destinations/destination';

/** Removes what a reprocess replaced, per destination (built in `start.ts` from the destinations' own stores). */
export interface OutputRetirement {
  /** The `local` and `s3` destinations' object stores (only the keys the new output does not reuse go). */
  stores: Partial<Record<'local' | 's3', ObjectStore>>;
}

/** Every destination key an output occupies: the main file and its variants. */
function keysOf(output: AssetOutput | undefined): string[] {
  return output ? [output.key, ...(output.variants ?? []).map((variant) => variant.key)] : [];
}

/**
 * After a reprocess is `ready` (never before: the old URLs keep serving until the new ones are
 * live), removes its previous outputs from the destination, then records the reprocess
 * completed. Only keys the new output does not reuse are removed: on `local` and `s3` a key the
 * new output rewrote holds the new bytes under a new `?v=` URL.
 *
 * ImageKit (decided): a reprocess to the same path uploads a new version of the same file, and
 * the previous version stays in the file's version history, no longer current, with its plain
 * URL purged (the destination's `onOverwrite`), as for any overwrite: that is what "removed"
 * means there. A previous file at another path (the format changed) is deleted through the
 * destination's own `remove`, as a delete would.
 *
 * Safe to repeat: deletes are idempotent, and it does nothing once the reprocess is recorded
 * completed; the completion is a guarded `ready → ready` move, so it cannot overwrite a newer
 * reprocess that started meanwhile.
 */
export async function retirePreviousOutput(
  deps: {
    registry: AssetRegistry;
    retirement?: OutputRetirement;
    destinations?: Partial<Record<DestinationKind, Destination>>;
  },
  input: { assetId: string; logger: Logger },
): Promise<void> {
  const asset = await deps.registry.get(input.assetId);
  if (!asset || asset.status !== 'ready' || !asset.reprocessing || !isReprocessing(asset)) return;
  const keep = new Set(keysOf(asset.output));
  for (const previous of asset.reprocessing.previousOutputs) {
    await remove(deps, asset, previous, {
      keep,
      currentFileId: asset.output?.imagekit?.fileId,
      logger: input.logger,
    });
  }
  await deps.registry.transition(input.assetId, {
    ...lifecycle.reprocessed,
    patch: { reprocessing: { ...asset.reprocessing, previousOutputs: [], completedAt: new Date().toISOString() } },
  });
}

async function remove(
  deps: { retirement?: OutputRetirement; destinations?: Partial<Record<DestinationKind, Destination>> },
  asset: Asset,
  previous: AssetOutput,
  context: { keep: Set<string>; currentFileId: string | undefined; logger: Logger },
): Promise<void> {
  if (asset.destination === 'imagekit') {
    const fileId = previous.imagekit?.fileId;
    if (!fileId || fileId === context.currentFileId) return;
    const imagekit = deps.destinations?.imagekit;
    if (imagekit) await imagekit.remove({ asset, output: previous });
    else
      context.logger.warn(
        { fileId },
        'a reprocess left an ImageKit file at its old path; this worker has no ImageKit destination',
      );
    return;
  }
  const store = deps.retirement?.stores[asset.destination];
  const stale = keysOf(previous).filter((key) => !context.keep.has(key));
  if (!store) {
    if (stale.length > 0)
      context.logger.warn({ keys: stale }, `no ${asset.destination} store to remove a reprocess's old output`);
    return;
  }
  for (const key of stale) await store.delete(key);
}
