import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { assetIdFrom, type AssetId } from './ids';
import { AssetOptions } from './uploads';

const importIdPattern = /^imp_[A-Za-z0-9_-]{22}$/;

/** An import id: `imp_` and 22 URL-safe base64 characters. */
export const ImportId = z.string().regex(importIdPattern, 'not an import id');
export type ImportId = z.infer<typeof ImportId>;

/** A new random import id. */
export function newImportId(): ImportId {
  return `imp_${randomBytes(16).toString('base64url')}`;
}

/** The import id a request stands for (its caller and Idempotency-Key), so a retried request finds the same import. */
export function importIdFrom(seed: string): ImportId {
  return `imp_${createHash('sha256').update(`import\n${seed}`).digest().subarray(0, 16).toString('base64url')}`;
}

/** The asset of one source object: the same bucket, key and ETag always name the same asset, in any import. */
export function importedAssetId(object: { bucket: string; key: string; etag: string }): AssetId {
  return assetIdFrom(`import\n${object.bucket}\n${object.key}\n${object.etag}`);
}

/** Whether a string is an import id (the CLI's `status` tells imports from assets by it). */
export function isImportId(value: string): boolean {
  return importIdPattern.test(value);
}

/** Where an import reads: every object under `prefix` in an allowed bucket (`SOURCE_BUCKETS`). */
export const ImportSource = z
  .object({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    prefix: z.string().max(1024).default(''),
  })
  .strict();
export type ImportSource = z.infer<typeof ImportSource>;

/**
 * `POST /v1/imports`: ingest every object under a bucket prefix, each as a bucket job with these
 * options. The asset of an object is named by its bucket, key and ETag, so importing the same
 * objects again creates nothing new (they count as `skipped`).
 */
export const ImportRequest = AssetOptions.omit({ fileName: true, overwrite: true }).extend({ source: ImportSource });
export type ImportRequest = z.infer<typeof ImportRequest>;

/** `listing` → `processing` (every object listed and queued) → `done`; or `cancelled`. */
export const ImportStatus = z.enum(['listing', 'processing', 'done', 'cancelled']);
export type ImportStatus = z.infer<typeof ImportStatus>;

/** Counts of an import's objects; every listed object is in exactly one of the last five. */
export const ImportCounts = z.object({
  listed: z.number().int().nonnegative(),
  /** Imported by an earlier import (same bucket, key and ETag): nothing new was created. */
  skipped: z.number().int().nonnegative(),
  /** Accepted and still in the pipeline. */
  queued: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Imported, then deleted (`DELETE /v1/assets/:id`). */
  deleted: z.number().int().nonnegative(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

/** `GET /v1/imports/:id`. */
export const Import = z.object({
  id: ImportId,
  status: ImportStatus,
  source: ImportSource,
  counts: ImportCounts,
  /** Rejected and failed objects by error code (`unsupported_media_type`, `source_too_large`, …). */
  errors: z.record(z.string(), z.number().int().nonnegative()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Import = z.infer<typeof Import>;

/** Body of `POST /v1/imports` (202), `GET /v1/imports/:id` and `POST /v1/imports/:id/cancel`. */
export const ImportAccepted = z.object({ import: Import });
export type ImportAccepted = z.infer<typeof ImportAccepted>;
