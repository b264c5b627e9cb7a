import { z } from 'zod';
import { Asset } from './asset';
import { AssetOptions } from './uploads';

/** Content types a direct upload may declare: the image formats ingestkit accepts. */
export const ImageContentType = z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff']);
export type ImageContentType = z.infer<typeof ImageContentType>;

/**
 * `POST /v1/uploads/presign`: the client declares the file it is about to upload straight to
 * storage. `size` is a promise the storage (S3 POST policy, the gateway's local URLs) and the
 * completion check hold it to.
 */
export const PresignRequest = AssetOptions.extend({
  fileName: z.string().min(1).max(1024),
  contentType: ImageContentType,
  size: z.number().int().positive(),
  /** `PUT` (default): a presigned URL to PUT the bytes to. `POST`: an HTML-form policy (S3 staging only). */
  method: z.enum(['PUT', 'POST']).default('PUT'),
});
export type PresignRequest = z.infer<typeof PresignRequest>;

/** How to send the bytes: the URL, and the form fields (POST) or headers (PUT) to send with them. */
export const DirectUpload = z.object({
  method: z.enum(['PUT', 'POST']),
  url: z.url(),
  /** POST only: form fields to send before the `file` field, in this order. */
  fields: z.record(z.string(), z.string()).optional(),
  /** PUT only: headers the request must carry (they are part of the signature). */
  headers: z.record(z.string(), z.string()).optional(),
  expiresAt: z.iso.datetime(),
});
export type DirectUpload = z.infer<typeof DirectUpload>;

/** `201` body of `POST /v1/uploads/presign`: the asset (`awaiting_upload`) and where to upload. */
export const PresignResponse = z.object({ asset: Asset, upload: DirectUpload });
export type PresignResponse = z.infer<typeof PresignResponse>;

/**
 * `POST /v1/events/s3`: an S3 / MinIO object-created notification. Only the keys matter; the
 * rest of each record is accepted as is.
 */
export const S3EventNotification = z.object({
  Records: z
    .array(
      z.looseObject({
        eventName: z.string().optional(),
        s3: z.looseObject({
          bucket: z.looseObject({ name: z.string() }).optional(),
          object: z.looseObject({ key: z.string(), size: z.number().optional() }),
        }),
      }),
    )
    .max(1000)
    .default([]),
});
export type S3EventNotification = z.infer<typeof S3EventNotification>;
