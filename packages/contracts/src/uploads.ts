import { z } from 'zod';
import { Asset, DestinationKind } from './asset';
import { AssetMetadata } from './json-limits';
import { keyPathProblem, MAX_FOLDER_LENGTH } from './key-limits';
import { isAssetId } from './ids';
import { OutputFormatChoice, PolicyName, QualityChoice, type PolicyOverrides } from './policies';

/** One tag: letters, digits, space, `_ . : -`. */
export const TagName = z
  .string()
  .max(64)
  .regex(/^[\w .:-]+$/, 'tags are letters, digits, space, _ . : -');

/** At most 30 tags. */
export const TagList = z.array(TagName).max(30);

const commaList = z
  .string()
  .max(1024)
  .transform((value) =>
    value
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0),
  )
  .pipe(TagList);

const jsonObject = z
  .string()
  .max(16 * 1024)
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'metadata is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(AssetMetadata);

/** A box dimension sent as a form field: 16–16384. */
const formInt = z
  .string()
  .regex(/^[0-9]{2,5}$/, 'expected an integer')
  .transform(Number)
  .pipe(z.number().int().min(16).max(16_384));

/**
 * A folder path: `/`-separated segments of letters, digits, `_ - .`, none starting with a dot,
 * none shaped like an asset id, within the key lengths of `keyPathProblem` (segments of at most
 * 255 characters).
 */
export const FolderPath = z
  .string()
  .max(MAX_FOLDER_LENGTH)
  .transform((value) => value.replace(/^\/+|\/+$/g, ''))
  .pipe(
    z
      .string()
      .regex(
        /^([A-Za-z0-9_-][A-Za-z0-9._-]*)(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/,
        'folder is /-separated segments of letters, digits, _ - . (not starting with a dot)',
      )
      .superRefine((value, ctx) => {
        const problem = keyPathProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: `folder is ${problem}` });
      })
      // Asset-id-shaped segments are reserved for delivery keys (`…/<assetId>/<name>`), so no
      // folder can make an overwrite key equal to another asset's key.
      .refine((value) => !value.split('/').some(isAssetId), 'folder segments shaped like an asset id (ast_…) are reserved'),
  );

/** The optional text fields of `POST /v1/uploads` (multipart form fields, all strings). */
export const UploadFields = z.object({
  fileName: z.string().min(1).max(255).optional(),
  folder: FolderPath.optional(),
  tags: commaList.optional(),
  destination: DestinationKind.optional(),
  policy: PolicyName.optional(),
  metadata: jsonObject.optional(),
  /** `true`: deliver to `<folder>/<fileName>` itself, replacing what an earlier upload put there. */
  overwrite: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /** `true`: answer the existing asset instead of a second one with the same bytes (see `Asset.dedupe`). */
  dedupe: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /** Per-upload policy overrides (see `PolicyOverrides`): output format, quality, a smaller box. */
  format: OutputFormatChoice.optional(),
  quality: z
    .string()
    .regex(/^(auto|[1-9][0-9]?|100)$/, 'quality is auto or 1-100')
    .transform((value) => (value === 'auto' ? ('auto' as const) : Number(value)))
    .optional(),
  maxWidth: formInt.optional(),
  maxHeight: formInt.optional(),
});
export type UploadFields = z.infer<typeof UploadFields>;

/**
 * The same options as {@link UploadFields}, in JSON bodies (presign, jobs): `tags` is an array
 * and `metadata` an object (at most 16 KiB once serialised). `fileName` is sanitised by the
 * gateway; it is never part of a storage key.
 */
export const AssetOptions = z.object({
  fileName: z.string().min(1).max(1024).optional(),
  folder: FolderPath.optional(),
  tags: TagList.optional(),
  destination: DestinationKind.optional(),
  policy: PolicyName.optional(),
  metadata: AssetMetadata.optional(),
  /** `true`: deliver to `<folder>/<fileName>` itself, replacing what an earlier upload put there. */
  overwrite: z.boolean().optional(),
  /** `true`: do not keep a second asset with the same bytes (see `Asset.dedupe`); default: the policy's `dedupe`. */
  dedupe: z.boolean().optional(),
  format: OutputFormatChoice.optional(),
  quality: QualityChoice.optional(),
  maxWidth: z.number().int().min(16).max(16_384).optional(),
  maxHeight: z.number().int().min(16).max(16_384).optional(),
});
export type AssetOptions = z.infer<typeof AssetOptions>;

/** The policy overrides an upload's fields or options ask for, or undefined when they ask for none. */
export function policyOverridesOf(
  fields: Pick<UploadFields, 'format' | 'quality' | 'maxWidth' | 'maxHeight'>,
): PolicyOverrides | undefined {
  const overrides: PolicyOverrides = {
    ...(fields.format === undefined ? {} : { format: fields.format }),
    ...(fields.quality === undefined ? {} : { quality: fields.quality }),
    ...(fields.maxWidth === undefined ? {} : { maxWidth: fields.maxWidth }),
    ...(fields.maxHeight === undefined ? {} : { maxHeight: fields.maxHeight }),
  };
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}

/** `202` body of every route that accepts an asset. */
export const AssetAccepted = z.object({ asset: Asset });
export type AssetAccepted = z.infer<typeof AssetAccepted>;

/** The JSON error body of every HTTP route. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * `GET /v1/imagekit/auth`: ImageKit's client-side upload authentication contract, what
 * `@imagekit/javascript` expects from an authentication endpoint.
 */
export const ImageKitUploadAuth = z.object({
  /** Single-use random token. */
  token: z.string().min(1),
  /** Unix seconds, less than one hour ahead. */
  expire: z.number().int().positive(),
  /** Lowercase hex HMAC-SHA1(privateKey, token + expire). */
  signature: z.string().regex(/^[0-9a-f]{40}$/),
  publicKey: z.string().min(1),
});
export type ImageKitUploadAuth = z.infer<typeof ImageKitUploadAuth>;
