import type { IngestError, Stage } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { ObjectStore } from '@ingestkit/storage';
import { lifecycle, stagingKeys } from '@ingestkit/contracts';

/**
 * Records a job that will not run again: `rejected` (the input can never succeed; staging is
 * deleted) or `failed` (retries exhausted; staging is kept so a retry can resume). Only while
 * the asset still waits on that stage: a stage job that failed after its work was done (it was
 * lost in a crash after it queued the next stage) must not fail an asset that moved on (found
 * by the chaos suite).
 */
export async function recordFinalFailure(
  deps: { registry: AssetRegistry; staging: ObjectStore },
  input: { assetId: string; stage: Stage; error: IngestError },
): Promise<void> {
  const move = lifecycle.finalFailure(input.stage, input.error.retryable);
  const recorded = await deps.registry.transition(input.assetId, {
    ...move,
    patch: {
      error: {
        code: input.error.code,
        message: input.error.message,
        stage: input.stage,
        // What the error names for the client, e.g. the existing asset of a `duplicate`.
        ...(input.error.code === 'duplicate' && input.error.details ? { details: input.error.details } : {}),
      },
    },
  });
  if (recorded && move.to === 'rejected') await deps.staging.deletePrefix(stagingKeys.prefix(input.assetId));
}

/** Runs a stage body and records its timing on the asset. */
export async function timed<T>(registry: AssetRegistry, assetId: string, stage: Stage, body: () => Promise<T>): Promise<T> {
  const startedAt = new Date();
  const result = await body();
  const finishedAt = new Date();
  await registry.recordTiming(assetId, stage, {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  });
  return result;
}
