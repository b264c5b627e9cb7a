import { z } from 'zod';
import { errorCodeList } from './errors';
import { AssetId } from './ids';
import { PrincipalRef } from './principals';
import { PolicyOverrides } from './policies';

/**
 * Lifecycle: awaiting_upload → queued → validating → optimizing → delivering → ready; `deleted`
 * is the tombstone any status can move to (`DELETE /v1/assets/:id`, or ImageKit reporting the
 * file deleted) and none leaves.
 */
export const AssetStatus = z.enum([
  'awaiting_upload',
  'queued',
  'validating',
  'optimizing',
  'delivering',
  'ready',
  'rejected',
  'failed',
  'deleted',
]);
export type AssetStatus = z.infer<typeof AssetStatus>;

/**
 * Statuses an asset never leaves by itself (`failed` leaves only through an explicit retry; any
 * but `deleted` leaves through a delete).
 */
export const terminalStatuses: readonly AssetStatus[] = ['ready', 'rejected', 'failed', 'deleted'];

export const DestinationKind = z.enum(['local', 's3', 'imagekit']);
export type DestinationKind = z.infer<typeof DestinationKind>;

/** Image formats ingestkit accepts, identified by content sniffing. `heic` is HEVC-coded HEIF (iPhone photos); input only. */
export const ImageFormat = z.enum(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff', 'heic']);
export type ImageFormat = z.infer<typeof ImageFormat>;

export const Stage = z.enum(['upload', 'validate', 'optimize', 'deliver']);
export type Stage = z.infer<typeof Stage>;

/**
 * Where each stage sits in the lifecycle: the status an asset is in when the stage's job is its
 * next step (`before`; the stage starts by moving it on) and the status while the stage runs
 * (`during`). `upload` ends in `queued`, waiting for validate. Retries resume from `before`;
 * a stage's final failure applies only while the asset is in one of the two.
 */
export const stageStatuses: Readonly<Record<Stage, { before: AssetStatus; during: AssetStatus }>> = {
  upload: { before: 'queued', during: 'queued' },
  validate: { before: 'queued', during: 'validating' },
  optimize: { before: 'validating', during: 'optimizing' },
  deliver: { before: 'optimizing', during: 'delivering' },
};

/**
 * Where an asset's original is kept after delivery (`ORIGINALS_STORE`): its key in the originals
 * store, when it was stored and, with `ORIGINALS_RETENTION_DAYS`, when the retention sweeper
 * removes it (absent: kept for ever). Absent when originals are off, before delivery, and once
 * the original expired.
 */
export const OriginalRetained = z.object({
  key: z.string(),
  storedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
});
export type OriginalRetained = z.infer<typeof OriginalRetained>;

export const AssetOriginal = z.object({
  key: z.string(),
  bytes: z.number().int().nonnegative(),
  /**
   * Hex SHA-256 of the bytes. The gateway computes it for uploads it streams, the worker while it
   * fetches a job's source or, for direct uploads (whose bytes the gateway never reads), while it
   * validates them; absent only until validation and on assets recorded before that.
   */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  contentType: z.string().optional(),
  format: ImageFormat.optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** The kept original (see {@link OriginalRetained}); `GET /v1/assets/:id/original` serves it. */
  retained: OriginalRetained.optional(),
});
export type AssetOriginal = z.infer<typeof AssetOriginal>;

/**
 * Where a server-side job reads its original: a public http(s) URL (fetched with SSRF
 * protection) or an object in an allowed S3 bucket. The validate stage copies it into staging.
 */
export const AssetSource = z.union([
  z.object({ url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(4096) }).strict(),
  z
    .object({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
      key: z.string().min(1).max(1024),
    })
    .strict(),
]);
export type AssetSource = z.infer<typeof AssetSource>;

/** One responsive variant of the output, staged and delivered beside it. */
export const AssetVariant = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  key: z.string(),
  format: ImageFormat,
  contentType: z.string(),
  url: z.url().optional(),
});
export type AssetVariant = z.infer<typeof AssetVariant>;

export const AssetOutput = z.object({
  name: z.string(),
  key: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Hex SHA-256 of the output as staged (absent on outputs recorded before it was kept): what an overwrite compares, never size and dimensions. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  format: ImageFormat,
  contentType: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  url: z.url().optional(),
  /** Set when the destination is ImageKit: the file, the version this asset created, and its path. */
  imagekit: z.object({ fileId: z.string(), versionId: z.string(), filePath: z.string() }).optional(),
  /** The resolved policy that produced this output (`delivery`, `master`, or a named one). */
  policy: z.string().optional(),
  /** Nominal quality used (JPEG scale; for `auto`, the one the search chose); absent for lossless output. */
  quality: z.number().int().min(1).max(100).optional(),
  /** Responsive variants, narrowest first; absent for master policies and animations. */
  variants: z.array(AssetVariant).optional(),
  /** A tiny blurred WebP as a `data:` URI (≤ 32 px on its long side), to show while loading. */
  placeholder: z.string().startsWith('data:image/').optional(),
  /** The most common colour, `#rrggbb`. */
  dominantColor: z
    .string()
    .regex(/^#[0-9a-f]{6}$/)
    .optional(),
});
export type AssetOutput = z.infer<typeof AssetOutput>;

export const AssetError = z.object({
  code: z.enum(errorCodeList),
  message: z.string(),
  stage: Stage.optional(),
  /** What the error carried, e.g. `duplicate`'s `assetId` (the existing asset). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AssetError = z.infer<typeof AssetError>;

export const StageTiming = z.object({
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
});
export type StageTiming = z.infer<typeof StageTiming>;

/**
 * One version of the asset's file at its destination (ImageKit), as its webhooks report them.
 * Exactly one version is `current` while the file exists: the newest by `createdAt`.
 */
export const AssetVersion = z.object({
  versionId: z.string().min(1),
  /** ImageKit's display name, e.g. `Version 2`. */
  name: z.string().optional(),
  /** The versioned URL, `…/<path>?updatedAt=<epoch ms>`: a new CDN cache key per update. */
  url: z.url(),
  /** When this version was written (ImageKit's `updatedAt` of the version when first seen). */
  createdAt: z.iso.datetime(),
  current: z.boolean(),
  /** Set when ImageKit reported the version (or the whole file) deleted; such a version is never current. */
  deletedAt: z.iso.datetime().optional(),
});
export type AssetVersion = z.infer<typeof AssetVersion>;

/**
 * The reprocess an asset is going through, or went through last (`POST /v1/assets/:id/reprocess`
 * or a bulk run). Kept after it completes so a run can tell its own finished assets (`runId`,
 * `completedAt`) from ones it never started.
 */
export const AssetReprocessing = z.object({
  /**
   * Outputs delivered before this reprocess: once the new output is `ready`, every key of theirs
   * the new output does not reuse is removed from the destination, then this list is emptied.
   * More than one when an earlier reprocess ended before its own removal did.
   */
  previousOutputs: z.array(AssetOutput),
  /** The bulk run that asked for it (`rpr_…`); absent for a single reprocess. */
  runId: z.string().optional(),
  requestedAt: z.iso.datetime(),
  /** Set when the new output is ready and the previous outputs are removed: the reprocess is over. */
  completedAt: z.iso.datetime().optional(),
});
export type AssetReprocessing = z.infer<typeof AssetReprocessing>;

export const Asset = z.object({
  id: AssetId,
  status: AssetStatus,
  destination: DestinationKind,
  policy: z.string(),
  /** Per-upload changes to the policy (bounded; see `PolicyOverrides`). */
  overrides: PolicyOverrides.optional(),
  fileName: z.string(),
  folder: z.string().optional(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  /**
   * Deliver to `<folder>/<fileName>` without the asset id, so a later upload with the same folder
   * and name replaces it: a new ImageKit version of the same file (its old URL is purged), or the
   * same S3/local key with new bytes (and a new `?v=` URL).
   */
  overwrite: z.boolean().optional(),
  /**
   * `true`: the upload asked not to be kept when an eligible asset with the same original
   * (SHA-256), policy, destination and folder exists (the request's `dedupe`, else its policy's
   * default); see the README's "Duplicates".
   */
  dedupe: z.boolean().optional(),
  /** Who uploaded it (absent on assets recorded before it existed and on files found on ImageKit); purges it causes count against this key. */
  createdBy: PrincipalRef.optional(),
  /** Set for server-side jobs (`POST /v1/jobs`): where the original comes from. */
  source: AssetSource.optional(),
  /**
   * The staged original. While `awaiting_upload`, `bytes` and `contentType` are what the client
   * declared; completion replaces them with what is stored.
   */
  original: AssetOriginal.optional(),
  output: AssetOutput.optional(),
  error: AssetError.optional(),
  timings: z.partialRecord(Stage, StageTiming),
  /** Versions of the delivered file, oldest first; fed by the webhook receiver. */
  versions: z.array(AssetVersion).optional(),
  /** Set when the asset was deleted (status `deleted`): the tombstone's time. */
  deletedAt: z.iso.datetime().optional(),
  /** Who deleted it (an API key); absent when ImageKit reported the file deleted (`file.deleted`). */
  deletedBy: PrincipalRef.optional(),
  /** The asset's last reprocess (see `AssetReprocessing`); absent if it was never reprocessed. */
  reprocessing: AssetReprocessing.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /**
   * Bumped by the registry in the same atomic step as every write of the record (absent on
   * records no write touched since it existed: read it as 0). The HTTP `ETag` is `"<revision>"`.
   */
  revision: z.number().int().nonnegative().optional(),
});
export type Asset = z.infer<typeof Asset>;
