import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { AssetOutput, ImageFormat, type Asset, type ImageKitFileDetails } from '@ingestkit/contracts';
import { unversionedUrl } from '@ingestkit/purge';
import type { VersionInput } from '@ingestkit/registry';

/**
 * The version a `FileDetails` describes. Its URL is the path URL with `?updatedAt=<ms>` (a new
 * CDN cache key per update, CONTRACTS §3), from the details' `updatedAt`, else `createdAt`, else
 * the event time: ImageKit reports a new version's own write time as `updatedAt`.
 */
export function versionFromDetails(details: ImageKitFileDetails, eventTime: string | undefined): VersionInput {
  const written = [details.updatedAt, details.createdAt, eventTime].map((value) => (value ? Date.parse(value) : NaN));
  const ms = written.find((value) => Number.isFinite(value)) ?? Date.now();
  const url = new URL(unversionedUrl(details.url));
  url.searchParams.set('updatedAt', String(ms));
  return {
    versionId: details.versionInfo.id,
    ...(details.versionInfo.name !== undefined ? { name: details.versionInfo.name } : {}),
    url: url.toString(),
    createdAt: new Date(ms).toISOString(),
  };
}

/** A deterministic asset id for a file ingestkit did not upload, so a repeated event finds the same record. */
export function externalAssetId(fileId: string): string {
  return `ast_${createHash('sha256').update(`imagekit-file:${fileId}`).digest().subarray(0, 16).toString('base64url')}`;
}

/**
 * The registry record of a file uploaded to ImageKit without ingestkit (a browser's direct
 * upload): `ready` at the `imagekit` destination, policy `none` (ingestkit never optimized it),
 * `metadata.source = "imagekit"`. `output` is filled when the details describe an image format
 * ingestkit knows; the versions are recorded separately.
 */
export function externalAsset(id: string, details: ImageKitFileDetails, version: VersionInput): Asset {
  const folder = posix.dirname(details.filePath).replace(/^\/+/, '');
  const format = ImageFormat.safeParse(details.mime?.replace(/^image\//, '').replace('jpg', 'jpeg'));
  const output = AssetOutput.safeParse({
    name: 'original',
    key: details.filePath,
    bytes: details.size,
    format: format.data,
    contentType: details.mime,
    width: details.width,
    height: details.height,
    url: unversionedUrl(details.url),
    imagekit: { fileId: details.fileId, versionId: version.versionId, filePath: details.filePath },
  });
  const now = new Date().toISOString();
  return {
    id,
    status: 'ready',
    destination: 'imagekit',
    policy: 'none',
    fileName: details.name ?? posix.basename(details.filePath),
    ...(folder !== '' ? { folder } : {}),
    tags: details.tags ?? [],
    metadata: { source: 'imagekit' },
    ...(output.success ? { output: output.data } : {}),
    timings: {},
    createdAt: version.createdAt,
    updatedAt: now,
  };
}
