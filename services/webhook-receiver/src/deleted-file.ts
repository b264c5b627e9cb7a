import type { Queue } from 'bullmq';
import { lifecycle } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage } from '@ingestkit/runtime';

/**
 * ImageKit reported the asset's file deleted (`file.deleted`: someone deleted it in ImageKit's
 * media library or API, or our own eraser did): the asset is deleted the same way as by
 * `DELETE /v1/assets/:id` — the tombstone with `deletedAt` and no `deletedBy` (no API key asked
 * for it), its `asset.deleted` notification, then `ingest.erase` for what is left (staging, the
 * kept original, the purge of the plain URL). An asset already deleted keeps its tombstone; the
 * erase job id derives from the asset, so a redelivered event adds nothing. Returns whether this
 * call deleted the asset.
 */
export async function tombstoneDeletedFile(
  deps: { registry: AssetRegistry; eraseQueue: Queue },
  input: { assetId: string; deletedAt: string },
): Promise<boolean> {
  const tombstone = await deps.registry.transition(input.assetId, {
    ...lifecycle.deleted,
    patch: { deletedAt: input.deletedAt },
  });
  if ((tombstone ?? (await deps.registry.get(input.assetId)))?.status !== 'deleted') return false;
  await enqueueStage(deps.eraseQueue, { version: 1, assetId: input.assetId });
  return tombstone !== null;
}
