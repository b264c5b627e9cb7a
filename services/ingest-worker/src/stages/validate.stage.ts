import { IngestError, queueNames, stageJobOptions } from '@ingestkit/contracts';
import { inProcessRunner } from '@ingestkit/imaging';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import { enterStage } from './enter-stage';
import { resolvePolicy } from './resolve-policy';
import { sha256OfFile } from './hash-file';
import { withLocalFile } from './local-file';
import type { StageDeps } from './stage-deps';
import { recordFinalFailure, timed } from './stage-outcome';

/**
 * `ingest.validate`: the asset's policy exists, the staged original exists, is within the byte cap, is an allowed format
 * by its content, stays under the pixel limit (read from the header, before decoding) and
 * decodes without warnings. Records format, dimensions and (when the gateway did not) the
 * SHA-256 of the bytes, then queues optimization.
 */
export function validateStage(deps: StageDeps): StageProcessor<typeof queueNames.validate> {
  return {
    queue: queueNames.validate,
    async process({ assetId }, { logger }) {
      const asset = await enterStage(deps.registry, { assetId, stage: 'validate', logger });
      if (!asset) return;
      // Server-side jobs (`source`) are copied into staging first; see sources/.
      const original = asset.original ?? (asset.source && (await deps.sources?.fetchIntoStaging(asset, deps)));
      if (!original) throw new IngestError('not_found', 'the asset has no original to validate');
      // An unknown policy name rejects the asset here, before any byte is decoded.
      resolvePolicy(deps, asset);
      await timed(deps.registry, assetId, 'validate', async () => {
        const stored = await deps.staging.head(original.key);
        if (!stored) throw new IngestError('not_found', 'the uploaded original is missing from staging');
        const images = deps.images ?? inProcessRunner;
        // Direct uploads arrive without a SHA-256 (the gateway never read their bytes): hashed here, from the same file.
        const { info, sha256 } = await withLocalFile(deps.staging, original.key, async (path) => ({
          info: await images.probe(path, deps.limits),
          sha256: original.sha256 ?? (await sha256OfFile(path)),
        }));
        await deps.registry.update(assetId, {
          original: { ...original, bytes: stored.bytes, sha256, format: info.format, width: info.width, height: info.height },
        });
      });
      await enqueueStage(deps.queues.optimize, { version: 1, assetId }, stageJobOptions(asset));
    },
    onFinalFailure: ({ assetId }, error) => recordFinalFailure(deps, { assetId, stage: 'validate', error }),
  };
}
