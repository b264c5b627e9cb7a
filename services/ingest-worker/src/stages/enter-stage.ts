import type { Asset, AssetStatus } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';

/**
 * Moves the asset into a stage's status if it is in one of `from` (the previous stage's
 * status, or this one's on a retry) and returns it; returns null, logging why, when the asset
 * is elsewhere — a repeated job for a stage the asset already passed is a no-op.
 */
export async function enterStage(
  registry: AssetRegistry,
  input: { assetId: string; from: readonly AssetStatus[]; to: AssetStatus; logger: Logger },
): Promise<Asset | null> {
  const asset = await registry.transition(input.assetId, { from: input.from, to: input.to });
  if (!asset) input.logger.info({ expected: input.from }, `asset is not awaiting ${input.to}; nothing to do`);
  return asset;
}
