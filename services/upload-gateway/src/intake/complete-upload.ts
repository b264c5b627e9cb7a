import { IngestError, lifecycle, stagingKeys, type Asset } from '@ingestkit/contracts';
import { sniffImageFormat, SNIFF_BYTES } from '@ingestkit/imaging';
import type { AssetRegistry } from '@ingestkit/registry';
import type { ObjectStore } from '@ingestkit/storage';
import type { Intake } from './intake';

export interface CompleteUploadDeps {
  registry: AssetRegistry;
  staging: ObjectStore;
  intake: Intake;
}

/**
 * Completes a direct upload: the object must be in staging (else 409 `upload_missing`, and the
 * asset keeps waiting), no larger than declared, and an accepted image by its first bytes;
 * then the asset moves `awaiting_upload → queued` (a guarded transition) and its validation is
 * queued. An upload that breaks a rule is deleted and the asset `rejected` with the code.
 * Idempotent: completing an asset that already left `awaiting_upload` returns it unchanged
 * (`completed: false`), which is also how a racing client call and S3 event settle. If a crash
 * cut off its validation job (`queued` without it, or `failed` at `upload` by the janitor since),
 * the retry queues it (`Intake.requeueIfStranded`).
 */
export async function completeDirectUpload(
  deps: CompleteUploadDeps,
  assetId: string,
): Promise<{ asset: Asset; completed: boolean }> {
  const asset = await deps.registry.get(assetId);
  if (!asset) throw new IngestError('not_found', `asset ${assetId} does not exist`);
  if (asset.status !== 'awaiting_upload') return { asset: await deps.intake.requeueIfStranded(asset), completed: false };
  const declared = asset.original ?? { key: stagingKeys.original(assetId), bytes: 0 };
  const stored = await deps.staging.head(declared.key);
  if (!stored) {
    throw new IngestError('upload_missing', 'the upload has not arrived in staging; upload the file, then complete', {
      details: { key: declared.key },
    });
  }
  const refuse = async (error: IngestError) => {
    await refuseUpload(deps, assetId, error);
    return error;
  };
  if (stored.bytes > declared.bytes) {
    throw await refuse(
      new IngestError('payload_too_large', `the upload has ${stored.bytes} bytes, more than the ${declared.bytes} declared`, {
        details: { declaredBytes: declared.bytes, storedBytes: stored.bytes },
      }),
    );
  }
  const format = stored.bytes === 0 ? null : sniffImageFormat(await readHead(deps.staging, declared.key));
  if (format === null) {
    throw await refuse(
      new IngestError(
        'unsupported_media_type',
        'the upload is not an image of an accepted format (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC)',
      ),
    );
  }
  const queued = await deps.registry.transition(assetId, {
    ...lifecycle.uploadArrived,
    patch: { original: { ...declared, bytes: stored.bytes, format } },
  });
  if (!queued)
    return { asset: await deps.intake.requeueIfStranded((await deps.registry.get(assetId)) ?? asset), completed: false };
  return { asset: await deps.intake.enqueueValidation(queued), completed: true };
}

async function readHead(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of await store.get(key, { start: 0, end: SNIFF_BYTES - 1 })) {
    chunks.push(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    if (bytes >= SNIFF_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
}

/**
 * A direct upload that will never be queued (too large, not an image, abandoned, expired):
 * its staging is removed and the asset, while still `awaiting_upload`, ends `rejected` with
 * `error`. Safe to repeat.
 */
export async function refuseUpload(
  deps: Pick<CompleteUploadDeps, 'registry' | 'staging'>,
  assetId: string,
  error: IngestError,
): Promise<void> {
  await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
  await deps.registry.transition(assetId, {
    ...lifecycle.uploadRefused,
    patch: { error: { code: error.code, message: error.message, stage: 'upload' } },
  });
}
