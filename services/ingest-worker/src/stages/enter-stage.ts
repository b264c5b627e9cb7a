import { lifecycle, type Asset, type PipelineStage } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import { cleanStagingIfDeleted } from './deleted-meanwhile';

/**
 * Moves the asset into a stage's status if it waits for that stage (or is in it, on a repeated
 * attempt) and returns it; returns null, logging why, when the asset is elsewhere — a repeated
 * job for a stage the asset already passed is a no-op. No move leaves `deleted`, so a job of a
 * deleted asset stops here; given `staging`, it removes what the stage before it staged after
 * the eraser ran (the previous stage always queues this one).
 */
export async function enterStage(
  registry: AssetRegistry,
  input: { assetId: string; stage: PipelineStage; logger: Logger; staging?: ObjectStore },
): Promise<Asset | null> {
  const move = lifecycle.enter(input.stage);
  const asset = await registry.transition(input.assetId, move);
  if (!asset) {
    input.logger.info({ expected: move.from }, `asset is not awaiting ${move.to}; nothing to do`);
    if (input.staging) await cleanStagingIfDeleted({ registry, staging: input.staging }, input.assetId);
  }
  return asset;
}
