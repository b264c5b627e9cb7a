import { IngestError, lifecycle, resumeStage, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type IngestQueues } from '@ingestkit/runtime';

/**
 * Re-runs a `failed` asset from the stage that failed (the staged original and outputs were
 * kept for this). The asset goes back to the status before that stage, then the stage's job is
 * added again under the same id, replacing the failed one (`enqueueStage`): fresh attempts,
 * no stalls counted. Only `failed` assets can be retried: `rejected` ones can never succeed
 * (409 conflict).
 */
export async function retryAsset(deps: { registry: AssetRegistry; queues: IngestQueues }, assetId: string): Promise<Asset> {
  const asset = await deps.registry.get(assetId);
  if (!asset) throw new IngestError('not_found', `asset ${assetId} does not exist`);
  if (asset.status !== 'failed') {
    throw new IngestError('conflict', `only failed assets can be retried; this one is ${asset.status}`, {
      details: { status: asset.status },
    });
  }
  const stage = asset.error?.stage ?? 'validate';
  const moved = await deps.registry.transition(assetId, { ...lifecycle.retry(stage), patch: { error: null } });
  if (!moved) throw new IngestError('conflict', 'the asset changed while being retried; fetch it and try again');
  // A fresh set of attempts: the retry is a new decision, not the tail of the old one.
  await enqueueStage(deps.queues[resumeStage[stage]], { version: 1, assetId });
  return moved;
}
