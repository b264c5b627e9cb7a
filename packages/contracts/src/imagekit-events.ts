import { z } from 'zod';

/**
 * A verified ImageKit webhook event (CONTRACTS §4.1): the envelope is checked, `data` passes
 * through untouched because its shape depends on `type`. Unknown envelope fields (`request`,
 * `timings`) are kept.
 */
export const ImageKitEvent = z.looseObject({
  /** Unique across all events; the dedupe key and the job id. */
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  created_at: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type ImageKitEvent = z.infer<typeof ImageKitEvent>;

/** Event types that carry `FileDetails` of one version in `data`. */
export const imagekitFileEventTypes = ['file.created', 'file-version.created', 'file.updated'] as const;

/**
 * The part of ImageKit's `FileDetails` (CONTRACTS §3) that ingestkit reads from
 * `file.created`, `file-version.created` and `file.updated`; other fields are kept.
 */
export const ImageKitFileDetails = z.looseObject({
  fileId: z.string().min(1),
  name: z.string().optional(),
  filePath: z.string().min(1),
  url: z.url(),
  versionInfo: z.object({ id: z.string().min(1), name: z.string().optional() }),
  tags: z.array(z.string()).nullish(),
  mime: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ImageKitFileDetails = z.infer<typeof ImageKitFileDetails>;

/** `data` of `file.deleted` (`versionId` absent) and `file-version.deleted`. */
export const ImageKitDeletion = z.looseObject({ fileId: z.string().min(1), versionId: z.string().min(1).optional() });
export type ImageKitDeletion = z.infer<typeof ImageKitDeletion>;
