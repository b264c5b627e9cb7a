import { AssetOptions, ImageContentType, IngestError, isAssetId, stagingKeys, type Asset } from '@ingestkit/contracts';
import { principalRef, type Principal } from '../http/auth';
import { parseBody } from '../http/parse-body';
import type { Admission } from '../intake/admission';
import { createTusLedger, type TusLedgerDeps } from './tus-ledger';

export interface TusUploadsDeps extends TusLedgerDeps {
  admission: Admission;
}

/** `Upload-Metadata` keys that are asset options; every other key is the asset's metadata. */
const OPTION_FIELDS = new Set(['fileName', 'filename', 'name', 'folder', 'tags', 'policy', 'destination', 'overwrite', 'dedupe']);
/** Keys tus clients send on their own (`@uppy/tus`, tus-js-client examples): the file's name and type. */
const CLIENT_FIELDS = new Set(['filetype', 'type', 'relativePath']);

/**
 * A tus upload is named by its asset: the upload's id in the datastore is the asset's staging
 * key (`staging/<assetId>/original`), so the bytes land where the worker reads them, on the
 * local store and on S3 alike, and no copy is needed at completion. Its URL is
 * `/v1/tus/<assetId>`.
 */
export const tusIds = {
  uploadIdOf: (assetId: string) => stagingKeys.original(assetId),
  assetIdOf: (uploadId: string) => stagingKeys.assetIdOfOriginal(uploadId),
  /** The asset id of a URL's last path segment, or `undefined` when it is not one. */
  assetIdOfSegment: (segment: string | undefined) => (segment && isAssetId(segment) ? segment : undefined),
};

/**
 * What tus does with ingestkit's assets: a creation is admitted like every other upload (the
 * caller's limits, options from `Upload-Metadata`, the declared `Upload-Length` against the byte
 * cap, the token's file count) and recorded `awaiting_upload`; only its creator touches it; when
 * the last byte arrives it is completed (checked and queued once, `completeDirectUpload`).
 * Open uploads are kept in the ledger for the sweeper.
 */
export function createTusUploads(deps: TusUploadsDeps) {
  const optionsSchema = deps.admission.forDeployment(AssetOptions);
  const ledger = createTusLedger(deps);

  function parseOptions(metadata: Record<string, string | null>) {
    const text = (name: string) => metadata[name] ?? undefined;
    const overwrite = text('overwrite');
    let extra: Record<string, unknown> = {};
    const json = text('metadata');
    if (json !== undefined) {
      try {
        extra = JSON.parse(json) as Record<string, unknown>;
      } catch {
        throw new IngestError('bad_request', 'Upload-Metadata `metadata` must be a JSON object');
      }
    }
    const loose = Object.fromEntries(
      Object.entries(metadata).filter(
        ([name, value]) => !OPTION_FIELDS.has(name) && !CLIENT_FIELDS.has(name) && name !== 'metadata' && value !== null,
      ),
    );
    return parseBody(
      optionsSchema,
      {
        fileName: text('fileName') ?? text('filename') ?? text('name'),
        folder: text('folder'),
        destination: text('destination'),
        policy: text('policy'),
        tags: text('tags')
          ?.split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        metadata: { ...loose, ...extra },
        overwrite: overwrite === undefined ? undefined : overwrite === 'true' ? true : overwrite === 'false' ? false : overwrite,
      },
      'Upload-Metadata',
    );
  }

  return {
    /** The byte cap of `principal`'s uploads (tus's `maxSize`). */
    maxBytesOf: (principal: Principal) => deps.admission.maxBytesOf(principal),

    /**
     * Admits and records a new upload of `size` bytes: its asset `awaiting_upload`. `dedupe` is
     * accepted and ignored for now. Throws `bad_request`, `forbidden`, `payload_too_large`, 503s.
     */
    async create(input: { principal: Principal; assetId: string; size: number; metadata: Record<string, string | null> }) {
      await deps.admission.assertCanQueue({ backlog: false });
      const options = parseOptions(input.metadata);
      const admitted = await deps.admission.admit({
        principal: input.principal,
        options,
        assetId: input.assetId,
        declaredBytes: input.size,
      });
      const type = ImageContentType.safeParse(input.metadata.filetype ?? input.metadata.type);
      const asset = await deps.intake.awaitUpload(admitted, {
        fileName: options.fileName ?? 'upload',
        bytes: input.size,
        ...(type.success ? { contentType: type.data } : {}),
      });
      await ledger.record(asset);
      return asset;
    },

    /** The asset of `assetId` if `principal` created it: `not_found` otherwise (no one else learns it exists). */
    async assertOwner(principal: Principal, assetId: string): Promise<Asset> {
      const asset = await deps.registry.get(assetId);
      const caller = principalRef(principal);
      const owner = asset?.createdBy;
      const owns =
        owner !== undefined &&
        owner.keyId === caller.keyId &&
        (principal.kind !== 'uploadToken' || owner.tokenId === caller.tokenId);
      if (!asset || !owns) throw new IngestError('not_found', `upload ${assetId} does not exist`);
      return asset;
    },

    ...ledger,
  };
}

export type TusUploads = ReturnType<typeof createTusUploads>;
