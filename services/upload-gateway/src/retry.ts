import { IngestError, type Asset, type AssetStatus, type Stage } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type IngestQueues } from '@ingestkit/runtime';

/** Where a retry resumes: the stage that failed, entered from the status before it. */
const resumePoints: Partial<Record<Stage, { queue: keyof IngestQueues; from: AssetStatus }>> = {
  upload: { queue: 'validate', from: 'queued' },
  validate: { queue: 'validate', from: 'queued' },
  optimize: { queue: 'optimize', from: 'validating' },
  deliver: { queue: 'deliver', from: 'optimizing' },
};

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
  const resume = resumePoints[asset.error?.stage ?? 'validate'] ?? resumePoints.validate!;
  const moved = await deps.registry.transition(assetId, { from: ['failed'], to: resume.from, patch: { error: null } });
  if (!moved) throw new IngestError('conflict', 'the asset changed while being retried; fetch it and try again');
  // A fresh set of attempts: the retry is a new decision, not the tail of the old one.
  await enqueueStage(deps.queues[resume.queue], { version: 1, assetId });
  return moved;
}
