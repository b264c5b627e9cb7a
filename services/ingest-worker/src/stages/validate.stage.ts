import { IngestError, queueNames, stageJobOptions } from '@ingestkit/contracts';
import { inProcessRunner } from '@ingestkit/imaging';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import { claimOriginalOrRefuse } from './dedupe-claim';
import { enterStage } from './enter-stage';
import { sha256OfFile } from './original-digest';
import { resolvePolicy } from './resolve-policy';
import { withLocalFile } from './local-file';
import type { StageDeps } from './stage-deps';
import { recordFinalFailure, timed } from './stage-outcome';

/**
 * `ingest.validate`: the asset's policy exists, the staged original exists, is within the byte cap, is an allowed format
 * by its content, stays under the pixel limit (read from the header, before decoding) and
 * decodes without warnings. Records format, dimensions and the SHA-256 (computed here for direct
 * uploads), refuses a `dedupe` duplicate (`duplicate`, see dedupe-claim.ts), then queues optimization.
 */
export function validateStage(deps: StageDeps): StageProcessor<typeof queueNames.validate> {
  return {
    queue: queueNames.validate,
    async process({ assetId }, { logger }) {
      const asset = await enterStage(deps.registry, { assetId, stage: 'validate', logger, staging: deps.staging });
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
        const { info, sha256 } = await withLocalFile(deps.staging, original.key, async (path) => ({
          info: await images.probe(path, deps.limits),
          // Direct uploads arrive without a digest: the gateway never read their bytes whole.
          sha256: original.sha256 ?? (await sha256OfFile(path)),
        }));
        const probed = { ...original, bytes: stored.bytes, format: info.format, width: info.width, height: info.height };
        // A dedupe asset whose digest was never recorded (a direct upload or job, not yet checked)
        // gets it from its claim, atomically with the duplicate check. One recorded before was
        // checked already: a streamed upload at creation, a repeated attempt after its claim
        // passed, a reprocess of a kept original.
        const needsClaim = asset.dedupe === true && !asset.original?.sha256;
        await deps.registry.update(assetId, { original: needsClaim ? probed : { ...probed, sha256 } });
        if (needsClaim) await claimOriginalOrRefuse(deps.registry, asset, sha256);
      });
      await enqueueStage(deps.queues.optimize, { version: 1, assetId }, stageJobOptions(asset));
    },
    onFinalFailure: ({ assetId }, error) => recordFinalFailure(deps, { assetId, stage: 'validate', error }),
  };
}
