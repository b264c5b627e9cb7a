import { IngestError, lifecycle, queueNames, stagingKeys, type AssetOutput } from '@ingestkit/contracts';
import type { StageProcessor } from '@ingestkit/runtime';
import { removeDeliveredIfDeleted, removeIfDeletedMeanwhile } from './deleted-meanwhile';
import { enterStage } from './enter-stage';
import { retirePreviousOutput } from './retire-previous-output';
import { keepOriginal } from './keep-original';
import type { StageDeps } from './stage-deps';
import { recordFinalFailure, timed } from './stage-outcome';

function withoutVariants(output: AssetOutput): Omit<AssetOutput, 'variants'> {
  const { variants: _staged, ...rest } = output;
  return rest;
}

/**
 * `ingest.deliver`: hands the optimized file (and its variants) to the asset's destination, keeps
 * the original (`ORIGINALS_STORE`), marks the asset `ready` with the public URL, then removes its
 * staging objects. The destination key derives from the asset, so a repeated delivery
 * overwrites instead of duplicating.
 */
export function deliverStage(deps: StageDeps): StageProcessor<typeof queueNames.deliver> {
  return {
    queue: queueNames.deliver,
    async process({ assetId }, { logger }) {
      const asset = await enterStage(deps.registry, { assetId, stage: 'deliver', logger, staging: deps.staging });
      if (!asset) {
        // A crash between `ready` and the cleanup below leaves staging behind: finish it now.
        if ((await deps.registry.get(assetId))?.status === 'ready') await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
        else await removeDeliveredIfDeleted(deps, assetId);
        await retirePreviousOutput(deps, { assetId, logger });
        return;
      }
      const output = asset.output;
      if (!output) throw new IngestError('not_found', 'the asset has no optimized output to deliver');
      const destination = deps.destinations[asset.destination];
      if (!destination)
        throw new IngestError('bad_request', `destination "${asset.destination}" is not configured on this worker`);
      const delivered = await timed(deps.registry, assetId, 'deliver', () =>
        destination.deliver({
          asset,
          output,
          open: () => deps.staging.get(output.key),
          variants: (output.variants ?? []).map((variant) => ({ variant, open: () => deps.staging.get(variant.key) })),
        }),
      );
      const variants = (output.variants ?? []).flatMap((variant, index) => {
        const placed = delivered.variants[index];
        return placed ? [{ ...variant, ...placed }] : [];
      });
      // Index before `ready`, so the ImageKit webhook for this file finds its asset.
      if (delivered.imagekit) await deps.registry.indexImageKitFile(delivered.imagekit.fileId, assetId);
      // Kept before `ready` and recorded with it; staging goes only after (see keep-original.ts).
      const original = await keepOriginal(deps, asset, logger);
      const placed = {
        ...withoutVariants(output),
        ...(variants.length > 0 ? { variants } : {}),
        key: delivered.key,
        url: delivered.url,
        ...(delivered.imagekit ? { imagekit: delivered.imagekit } : {}),
      };
      const ready = await deps.registry.transition(assetId, {
        ...lifecycle.delivered,
        patch: { output: placed, ...(original ? { original } : {}), error: null },
      });
      if (ready) deps.metrics?.assetReady(ready);
      else if (await removeIfDeletedMeanwhile(deps, { asset, destination, placed, logger })) return;
      await retirePreviousOutput(deps, { assetId, logger });
      await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
    },
    onFinalFailure: async ({ assetId }, error) => {
      await recordFinalFailure(deps, { assetId, stage: 'deliver', error });
      // An attempt killed after its put (a stalled job fails as worker_lost) may have left files of a deleted asset.
      await removeDeliveredIfDeleted(deps, assetId);
    },
  };
}
