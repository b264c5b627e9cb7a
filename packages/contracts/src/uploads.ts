import { z } from 'zod';
import { Asset, DestinationKind } from './asset';
import { OutputFormatChoice, PolicyName, type PolicyOverrides } from './policies';

const commaList = z
  .string()
  .max(1024)
  .transform((value) =>
    value
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(64)
          .regex(/^[\w .:-]+$/, 'tags are letters, digits, space, _ . : -'),
      )
      .max(30),
  );

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
  .pipe(z.record(z.string(), z.unknown()));

/** A box dimension sent as a form field: 16–16384. */
const formInt = z
  .string()
  .regex(/^[0-9]{2,5}$/, 'expected an integer')
  .transform(Number)
  .pipe(z.number().int().min(16).max(16_384));

/** A folder path: `/`-separated segments of letters, digits, `_ - .`, none starting with a dot. */
export const FolderPath = z
  .string()
  .max(512)
  .transform((value) => value.replace(/^\/+|\/+$/g, ''))
  .pipe(
    z
      .string()
      .regex(
        /^([A-Za-z0-9_-][A-Za-z0-9._-]*)(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/,
        'folder is /-separated segments of letters, digits, _ - . (not starting with a dot)',
      ),
  );

/** The optional text fields of `POST /v1/uploads` (multipart form fields, all strings). */
export const UploadFields = z.object({
  fileName: z.string().min(1).max(255).optional(),
  folder: FolderPath.optional(),
  tags: commaList.optional(),
  destination: DestinationKind.optional(),
  policy: PolicyName.optional(),
  metadata: jsonObject.optional(),
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

/** The policy overrides an upload's fields ask for, or undefined when they ask for none. */
export function policyOverridesOf(fields: UploadFields): PolicyOverrides | undefined {
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
