import { IngestError, type AssetOriginal, type OriginalRetained } from '@ingestkit/contracts';
import { imageContentType } from '@ingestkit/imaging';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Originals } from '@ingestkit/storage';

/** How long the presigned GET of an S3 original stays valid: long enough to follow the redirect, short enough not to share. */
export const ORIGINAL_URL_EXPIRES_SECONDS = 300;

/** A kept original the gateway can serve: the asset's record of it, and its size in the store. */
export interface KeptOriginal {
  original: AssetOriginal & { retained: OriginalRetained };
  fileName: string;
  bytes: number;
}

/**
 * Finds the kept original of an asset: `not_found` for an unknown asset, `original_unavailable`
 * when none is kept — originals off (`ORIGINALS_STORE=off`), expired and swept, not delivered
 * yet, or the record points at an object the store no longer has.
 */
export async function findKeptOriginal(
  deps: { registry: AssetRegistry; originals?: Originals | undefined },
  id: string,
): Promise<KeptOriginal> {
  const asset = await deps.registry.get(id);
  if (!asset) throw new IngestError('not_found', `asset ${id} does not exist`);
  const original = asset.original;
  const unavailable = (why: string) =>
    new IngestError('original_unavailable', `asset ${id} has no kept original: ${why}`, {
      details: { assetId: id, status: asset.status },
    });
  if (!deps.originals) throw unavailable('this deployment keeps no originals (ORIGINALS_STORE=off)');
  if (!original?.retained) {
    throw unavailable(
      asset.status === 'ready' ? 'it was not kept or its retention expired' : `the asset is ${asset.status}, not delivered`,
    );
  }
  const stored = await deps.originals.store.head(original.retained.key);
  if (!stored) throw unavailable('it is no longer in the originals store');
  return { original: { ...original, retained: original.retained }, fileName: asset.fileName, bytes: stored.bytes };
}

/** The headers that describe the original's bytes (type, SHA-256 as hex and as an RFC 9530 digest) and keep it out of shared caches. */
export function originalHeaders(kept: KeptOriginal): Record<string, string> {
  const { original } = kept;
  const contentType = original.format ? imageContentType(original.format) : (original.contentType ?? 'application/octet-stream');
  const ascii = kept.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    'Content-Type': contentType,
    'Content-Length': String(kept.bytes),
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(kept.fileName)}`,
    ...(original.sha256
      ? {
          'Ingest-Original-SHA256': original.sha256,
          'Repr-Digest': `sha-256=:${Buffer.from(original.sha256, 'hex').toString('base64')}:`,
        }
      : {}),
  };
}
