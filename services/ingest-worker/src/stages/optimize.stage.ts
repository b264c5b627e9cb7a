import { createHash } from 'node:crypto';
import { IngestError, queueNames, stageJobOptions, stagingKeys, type AssetOutput, type AssetVariant } from '@ingestkit/contracts';
import { inProcessRunner, type EncodedImage } from '@ingestkit/imaging';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import { enterStage } from './enter-stage';
import { resolvePolicy } from './resolve-policy';
import { withLocalFile } from './local-file';
import type { StageDeps } from './stage-deps';
import { recordFinalFailure, timed } from './stage-outcome';

/**
 * `ingest.optimize`: resolves the asset's policy (its `policy` name, its destination for
 * `default`, its overrides; an unknown name rejects the asset with `policy_unknown`), optimizes
 * the original and stages the output under `staging/<id>/optimized/<policy>.<ext>` and each
 * responsive variant under `…/<policy>-<width>w.<ext>`. Keys derive from the asset and policy
 * only, so re-running overwrites the same objects.
 */
export function optimizeStage(deps: StageDeps): StageProcessor<typeof queueNames.optimize> {
  return {
    queue: queueNames.optimize,
    async process({ assetId }, { logger }) {
      const asset = await enterStage(deps.registry, { assetId, stage: 'optimize', logger, staging: deps.staging });
      if (!asset) return;
      const original = asset.original;
      if (!original) throw new IngestError('not_found', 'the asset has no original to optimize');
      const policy = resolvePolicy(deps, asset);
      await timed(deps.registry, assetId, 'optimize', async () => {
        // Validation decoded it fully already; the encode decodes it again, strictly.
        const images = deps.images ?? inProcessRunner;
        const optimized = await withLocalFile(deps.staging, original.key, (path) => images.optimize(path, policy, deps.limits));
        const name = `${policy.name}.${optimized.format}`;
        const key = await stage(deps.staging, stagingKeys.optimized(assetId, name), optimized);
        const variants: AssetVariant[] = [];
        for (const variant of optimized.variants) {
          const variantKey = stagingKeys.optimized(assetId, `${policy.name}-${variant.width}w.${variant.format}`);
          await stage(deps.staging, variantKey, variant);
          variants.push({ ...describe(variant), key: variantKey });
        }
        const output: AssetOutput = {
          name,
          key,
          ...describe(optimized),
          sha256: createHash('sha256').update(optimized.data).digest('hex'),
          policy: policy.name,
          ...(optimized.quality === undefined ? {} : { quality: optimized.quality }),
          ...(variants.length > 0 ? { variants } : {}),
          ...(optimized.placeholder ? { placeholder: optimized.placeholder } : {}),
          ...(optimized.dominantColor ? { dominantColor: optimized.dominantColor } : {}),
        };
        await deps.registry.update(assetId, { output });
        logger.debug(
          { policy: policy.name, format: optimized.format, quality: optimized.quality, variants: variants.length },
          'optimized',
        );
      });
      await enqueueStage(deps.queues.deliver, { version: 1, assetId }, stageJobOptions(asset));
    },
    onFinalFailure: ({ assetId }, error) => recordFinalFailure(deps, { assetId, stage: 'optimize', error }),
  };
}

async function stage(staging: ObjectStore, key: string, image: EncodedImage): Promise<string> {
  await staging.put({ key, body: image.data, contentType: image.contentType });
  return key;
}

function describe(image: EncodedImage): Omit<AssetVariant, 'key' | 'url'> {
  return { bytes: image.bytes, format: image.format, contentType: image.contentType, width: image.width, height: image.height };
}
