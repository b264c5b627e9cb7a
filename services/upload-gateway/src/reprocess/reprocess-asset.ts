import type { Queue } from 'bullmq';
import {
  IngestError,
  isIngestError,
  isReprocessing,
  lifecycle,
  policyOverridesOf,
  stageJobOptions,
  stagingKeys,
  type Asset,
  type AssetOutput,
  type AssetStatus,
  type ReprocessRequest,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';

export interface ReprocessDeps {
  registry: AssetRegistry;
  /** Where delivered assets' originals are kept (`AssetOriginal.retained`); absent: none are. */
  originals: ObjectStore | undefined;
  staging: ObjectStore;
  validateQueue: Queue;
}

/** What one reprocess asks for: a new policy and overrides (see `ReprocessRequest`), and the run it belongs to. */
export interface ReprocessInput {
  assetId: string;
  request: ReprocessRequest;
  runId?: string;
}

/** The outputs a reprocess must remove once ready: those still pending from an unfinished one, and the delivered one. */
function previousOutputsOf(asset: Asset): AssetOutput[] {
  const pending = asset.reprocessing && isReprocessing(asset) ? asset.reprocessing.previousOutputs : [];
  // A delivered output has a URL; a staged one (a failed reprocess's) does not and is only in staging.
  const delivered = asset.output?.url !== undefined ? [asset.output] : [];
  const byKey = new Map<string, AssetOutput>();
  for (const output of [...pending, ...delivered]) byKey.set(output.key, output);
  return [...byKey.values()];
}

/** The policy and overrides the asset is derived with next (see `ReprocessRequest`). */
function derivation(asset: Asset, request: ReprocessRequest): Pick<Asset, 'policy' | 'overrides'> {
  if (Object.keys(request).length === 0) return { policy: asset.policy, overrides: asset.overrides };
  return { policy: request.policy ?? asset.policy, overrides: policyOverridesOf(request) };
}

/**
 * Re-runs validate, optimize and deliver on a `ready` or `failed` asset from its kept original:
 * the original is copied back to the asset's staging key, the outputs delivered so far are
 * recorded for removal once the new ones are ready, the asset moves to `queued` under its new
 * policy (`lifecycle.reprocess`, atomically with those records) and its validate job is added at
 * the reprocess priority, below new uploads. The old URLs keep serving until the new ones are live.
 *
 * Errors: `not_found`; `conflict` for an asset in progress, rejected or deleted, or one that
 * changed meanwhile; `original_unavailable` when no original was kept (or it expired).
 */
export async function reprocessAsset(deps: ReprocessDeps, input: ReprocessInput): Promise<Asset> {
  const asset = await deps.registry.get(input.assetId);
  if (!asset) throw new IngestError('not_found', `asset ${input.assetId} does not exist`);
  // `deleted` is a tombstone (compared as a string so this holds before and after it joins AssetStatus).
  if ((asset.status as string) === 'deleted') {
    throw new IngestError('conflict', 'the asset is deleted', { details: { status: asset.status } });
  }
  if (!(lifecycle.reprocess.from as readonly AssetStatus[]).includes(asset.status)) {
    throw new IngestError('conflict', `only ready or failed assets can be reprocessed; this one is ${asset.status}`, {
      details: { status: asset.status },
    });
  }
  const retained = asset.original?.retained;
  if (!asset.original || !retained || !deps.originals) {
    throw new IngestError('original_unavailable', 'no original was kept for this asset, so it cannot be reprocessed', {
      details: { assetId: asset.id },
    });
  }
  const stagingKey = stagingKeys.original(asset.id);
  await copyOriginal(deps.originals, deps.staging, {
    from: retained.key,
    to: stagingKey,
    contentType: asset.original.contentType,
  });
  const next = derivation(asset, input.request);
  const moved = await deps.registry.transition(asset.id, {
    ...lifecycle.reprocess,
    patch: {
      policy: next.policy,
      overrides: next.overrides ?? null,
      original: { ...asset.original, key: stagingKey },
      reprocessing: {
        previousOutputs: previousOutputsOf(asset),
        ...(input.runId ? { runId: input.runId } : {}),
        requestedAt: new Date().toISOString(),
      },
      error: null,
    },
  });
  if (!moved) throw new IngestError('conflict', 'the asset changed while being reprocessed; fetch it and try again');
  // A crash here leaves it `queued` without its job: the staging janitor marks it failed (a run re-adds the job).
  await enqueueStage(deps.validateQueue, { version: 1, assetId: asset.id }, stageJobOptions(moved));
  return moved;
}

/** Copies the kept original to staging; `original_unavailable` when it is gone from the originals store. */
async function copyOriginal(
  originals: ObjectStore,
  staging: ObjectStore,
  input: { from: string; to: string; contentType: string | undefined },
): Promise<void> {
  try {
    const body = await originals.get(input.from);
    await staging.put({ key: input.to, body, ...(input.contentType ? { contentType: input.contentType } : {}) });
  } catch (err) {
    if (isIngestError(err) && err.code === 'not_found') {
      throw new IngestError('original_unavailable', 'the kept original is no longer in the originals store', {
        details: { key: input.from },
        cause: err,
      });
    }
    throw err;
  }
}
