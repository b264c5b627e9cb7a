import { IngestError, queueNames, stagingKeys, type AssetOutput } from '@ingestkit/contracts';
import { defaultPolicy, inspectImage, optimizeImage } from '@ingestkit/imaging';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import { enterStage } from './enter-stage';
import { withLocalFile } from './local-file';
import type { StageDeps } from './stage-deps';
import { recordFinalFailure, timed } from './stage-outcome';

/**
 * `ingest.optimize`: applies the asset's policy (first cut: the default policy) and stages the
 * result under `staging/<id>/optimized/<name>`. Re-running overwrites the same key.
 */
export function optimizeStage(deps: StageDeps): StageProcessor<typeof queueNames.optimize> {
  return {
    queue: queueNames.optimize,
    async process({ assetId }, { logger }) {
      const asset = await enterStage(deps.registry, { assetId, from: ['validating', 'optimizing'], to: 'optimizing', logger });
      if (!asset) return;
      const original = asset.original;
      if (!original) throw new IngestError('not_found', 'the asset has no original to optimize');
      await timed(deps.registry, assetId, 'optimize', async () => {
        const optimized = await withLocalFile(deps.staging, original.key, async (path) => {
          // Validation decoded it fully already; the encode below decodes it again, strictly.
          const info = await inspectImage(path, deps.limits);
          return optimizeImage(path, info, defaultPolicy, deps.limits);
        });
        const name = `${defaultPolicy.name}.${optimized.format}`;
        const key = stagingKeys.optimized(assetId, name);
        await deps.staging.put({ key, body: optimized.data, contentType: optimized.contentType });
        const output: AssetOutput = {
          name,
          key,
          bytes: optimized.bytes,
          format: optimized.format,
          contentType: optimized.contentType,
          width: optimized.width,
          height: optimized.height,
        };
        await deps.registry.update(assetId, { output });
      });
      await enqueueStage(deps.queues.deliver, { version: 1, assetId });
    },
    onFinalFailure: ({ assetId }, error) => recordFinalFailure(deps, { assetId, stage: 'optimize', error }),
  };
}
