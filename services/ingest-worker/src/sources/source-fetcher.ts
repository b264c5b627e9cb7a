import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { IngestError, isIngestError, stagingKeys, type Asset, type AssetOriginal, type AssetSource } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { ObjectStore, S3Client } from '@ingestkit/storage';
import { createAddressPolicy } from './address-policy';
import { fetchS3Object } from './fetch-s3-object';
import { fetchUrl, type FetchLimits } from './fetch-url';

/** Settings of {@link createSourceFetcher} (from `FETCH_*`, `SOURCE_BUCKETS`, `MAX_UPLOAD_BYTES`). */
export interface SourceFetcherOptions {
  limits: FetchLimits;
  /** `FETCH_ALLOW_HOSTS`: host names, addresses or CIDRs the private-address guard lets through. */
  allowHosts: readonly string[];
  buckets: readonly string[];
  /** Reads `{bucket, key}` sources; without it such jobs are `source_forbidden`. */
  s3Client?: S3Client;
}

/** Staging errors that cannot come from the source, so they are not reported as `source_unreachable`. */
const STAGING_FAULTS: ReadonlySet<string> = new Set(['storage_full', 'storage_read_only']);

/** Copies a job's source into staging and records it as the asset's original. */
export interface SourceFetcher {
  fetchIntoStaging(asset: Asset, deps: { staging: ObjectStore; registry: AssetRegistry }): Promise<AssetOriginal>;
}

/**
 * Streams the source (URL or S3 object) to `staging/<id>/original`, hashing and counting on the
 * way, then records the original on the asset. Safe to repeat: a retried job overwrites the
 * staged copy. Errors are `source_*` codes: permanent ones reject the asset, `source_unreachable`
 * is retried; a full or read-only staging store keeps its own (retryable) code.
 */
export function createSourceFetcher(options: SourceFetcherOptions): SourceFetcher {
  const policy = createAddressPolicy({ allow: options.allowHosts });
  const open = async (source: AssetSource): Promise<{ body: Readable; contentType?: string }> => {
    if ('url' in source) return fetchUrl(source.url, policy, options.limits);
    if (!options.s3Client) throw new IngestError('source_forbidden', 'this worker reads no S3 sources');
    return fetchS3Object({ client: options.s3Client, buckets: options.buckets, maxBytes: options.limits.maxBytes }, source);
  };
  return {
    async fetchIntoStaging(asset, deps) {
      const source = asset.source;
      if (!source) throw new IngestError('not_found', 'the asset has no original and no source');
      const opened = await open(source);
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      opened.body.once('error', (err) => hashing.destroy(err));
      const key = stagingKeys.original(asset.id);
      const { bytes } = await deps.staging.put({ key, body: opened.body.pipe(hashing) }).catch((err: unknown) => {
        // A full or read-only staging disk is staging's fault, not the source's: keep its code.
        throw isIngestError(err) && (err.code.startsWith('source_') || STAGING_FAULTS.has(err.code))
          ? err
          : new IngestError('source_unreachable', `the source broke off: ${(err as Error).message}`, { cause: err });
      });
      const original: AssetOriginal = {
        key,
        bytes,
        sha256: hash.digest('hex'),
        ...(opened.contentType ? { contentType: opened.contentType.split(';')[0]!.trim() } : {}),
      };
      // A dedupe asset's digest is recorded by its duplicate claim in validate (stages/dedupe-claim.ts).
      const { sha256, ...undigested } = original;
      await deps.registry.update(asset.id, { original: asset.dedupe ? undigested : original });
      return { ...undigested, sha256 };
    },
  };
}
