import type { Queue } from 'bullmq';
import { IngestError, lifecycle, type Asset, type PrincipalRef } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage } from '@ingestkit/runtime';

/**
 * Deletes an asset in any status. The registry's move to `deleted` is the tombstone (who and
 * when, with its `asset.deleted` notification in the same atomic step); no lifecycle move leaves
 * `deleted`, so jobs still running for the asset stop at their next step. Then `ingest.erase`
 * removes what the asset left (destination files, staging, the kept original; purges its plain
 * URL on ImageKit). A repeated delete answers the same tombstone and adds the erase job again
 * (a no-op while it waits or is kept; it re-runs if the first one was lost before it was added).
 */
export async function deleteAsset(
  deps: { registry: AssetRegistry; eraseQueue: Queue },
  input: { assetId: string; deletedBy: PrincipalRef },
): Promise<Asset> {
  const { assetId } = input;
  const existing = await deps.registry.get(assetId);
  if (!existing) throw new IngestError('not_found', `asset ${assetId} does not exist`);
  const tombstone =
    existing.status === 'deleted'
      ? existing
      : ((await deps.registry.transition(assetId, {
          ...lifecycle.deleted,
          patch: { deletedAt: new Date().toISOString(), deletedBy: input.deletedBy },
        })) ?? (await deps.registry.get(assetId))); // refused only when a concurrent delete won
  if (!tombstone) throw new IngestError('not_found', `asset ${assetId} does not exist`);
  await enqueueStage(deps.eraseQueue, { version: 1, assetId });
  return tombstone;
}
