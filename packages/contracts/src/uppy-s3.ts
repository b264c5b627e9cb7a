import { z } from 'zod';
import { AssetMetadata } from './json-limits';

/**
 * The request and response shapes of Uppy's Companion S3 routes (`@uppy/aws-s3` 5.x with
 * `endpoint`, 6.x with `companionEndpoint`), which the gateway serves under `/v1/uppy`. Field
 * names follow Companion (and S3: `PartNumber`, `ETag`), not ingestkit's own style, because
 * Uppy reads them as they are. Answers add `assetId`, which Uppy ignores and apps may use.
 */

/**
 * Uppy's file metadata (its `allowedMetaFields`). `folder`, `destination`, `policy`, `tags`
 * (comma list) and `overwrite` (`"true"`) are read as asset options; everything else becomes the
 * asset's metadata.
 */
export const UppyMetadata = AssetMetadata;

/** `POST <base>/s3/multipart`: start a multipart upload. The key is the server's, never `filename`. */
export const UppyCreateMultipartRequest = z.object({
  filename: z.string().min(1).max(1024),
  type: z.string().max(255),
  metadata: UppyMetadata.optional(),
});
export type UppyCreateMultipartRequest = z.infer<typeof UppyCreateMultipartRequest>;

/** Answer of `POST <base>/s3/multipart`: the staging key (`staging/<assetId>/original`) and the upload id. */
export const UppyCreateMultipartResponse = z.object({ key: z.string(), uploadId: z.string(), assetId: z.string() });
export type UppyCreateMultipartResponse = z.infer<typeof UppyCreateMultipartResponse>;

/** `GET <base>/s3/params?filename&type&metadata[name]=…`: a single-part (POST form) upload. */
export const UppyUploadParams = z.object({
  method: z.enum(['POST', 'PUT']),
  url: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  key: z.string(),
  assetId: z.string(),
});
export type UppyUploadParams = z.infer<typeof UppyUploadParams>;

/** Answer of `GET <base>/s3/multipart/:uploadId/:partNumber?key`: where to PUT one part. */
export const UppySignedPart = z.object({
  url: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Seconds the URL stays valid (Companion's name). */
  expires: z.number().int(),
});
export type UppySignedPart = z.infer<typeof UppySignedPart>;

/** Answer of `GET <base>/s3/multipart/:uploadId/batch?key&partNumbers=1,2`. */
export const UppySignedParts = z.object({ presignedUrls: z.record(z.string(), z.string()) });
export type UppySignedParts = z.infer<typeof UppySignedParts>;

/** One element of `GET <base>/s3/multipart/:uploadId?key` (list parts). */
export const UppyPart = z.object({ PartNumber: z.number().int(), Size: z.number().int(), ETag: z.string() });
export type UppyPart = z.infer<typeof UppyPart>;

/** `POST <base>/s3/multipart/:uploadId/complete?key`. */
export const UppyCompleteRequest = z.object({
  parts: z
    .array(z.object({ PartNumber: z.coerce.number().int().min(1).max(10_000), ETag: z.string().min(1).max(200) }))
    .min(1)
    .max(10_000),
});
export type UppyCompleteRequest = z.infer<typeof UppyCompleteRequest>;

/** Answer of the completion: `location` is the asset's URL on the gateway (poll it until `ready`). */
export const UppyCompleteResponse = z.object({ location: z.string(), key: z.string(), assetId: z.string() });
export type UppyCompleteResponse = z.infer<typeof UppyCompleteResponse>;

/**
 * `POST /v1/uppy/sign`: one S3 request `@uppy/aws-s3` 6.x asks its `signRequest` to sign
 * (PutObject; CreateMultipartUpload; UploadPart; ListParts; CompleteMultipartUpload;
 * AbortMultipartUpload — told apart by `method` and the presence of `uploadId`/`partNumber`).
 */
export const UppySignRequest = z.object({
  method: z.enum(['GET', 'PUT', 'POST', 'DELETE']),
  key: z.string().min(1).max(1024),
  uploadId: z.string().min(1).max(1024).optional(),
  partNumber: z.number().int().min(1).max(10_000).optional(),
  contentType: z.string().max(255).optional(),
  expiresIn: z.number().int().positive().optional(),
  /**
   * UploadPart only, not sent by Uppy: the part's size in bytes, which an app's own
   * `signRequest` may add; it is checked against the upload's remaining cap and, on S3, signed
   * into the URL as its `Content-Length`.
   */
  size: z.number().int().positive().optional(),
});
export type UppySignRequest = z.infer<typeof UppySignRequest>;

/** Answer of `POST /v1/uppy/sign`: where to send the request, and the server's key (`key`, `fields.key`). */
export const UppySignResponse = z.object({
  url: z.string(),
  key: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  fields: z.record(z.string(), z.string()).optional(),
});
export type UppySignResponse = z.infer<typeof UppySignResponse>;
