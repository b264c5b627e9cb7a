import { z } from 'zod';
import { DestinationKind } from './asset';
import { FolderPath } from './uploads';
import { PolicyName } from './policies';

/** Limits a backend app puts on an upload token; every one is optional. */
export const UploadTokenLimits = z.object({
  /** Uploads go to this folder (forced when the request names none; another folder is refused). */
  folder: FolderPath.optional(),
  destination: DestinationKind.optional(),
  policy: PolicyName.optional(),
  /** Largest file, in bytes (also capped by the gateway's MAX_UPLOAD_BYTES). */
  maxBytes: z.number().int().positive().optional(),
  /** How many uploads the token may start in its lifetime. */
  maxFiles: z.number().int().positive().max(10_000).optional(),
  /**
   * `true`: the token may send `overwrite=true` (replace what an earlier upload put at
   * `<folder>/<fileName>`). Off by default: without it, an overwrite is refused `forbidden`.
   */
  overwrite: z.boolean().optional(),
});
export type UploadTokenLimits = z.infer<typeof UploadTokenLimits>;

/**
 * `POST /v1/upload-tokens`: mint a short-lived token for a browser. A token that may overwrite
 * must name its folder: without one it could replace any overwrite path of the library.
 */
export const UploadTokenRequest = UploadTokenLimits.extend({
  /** Lifetime in seconds: 10 s to 1 h, default 15 min. */
  expiresInSeconds: z.number().int().min(10).max(3600).default(900),
}).refine((request) => request.overwrite !== true || request.folder !== undefined, {
  path: ['folder'],
  message: 'a token with "overwrite": true must name its folder',
});
export type UploadTokenRequest = z.infer<typeof UploadTokenRequest>;

/** `201` body of `POST /v1/upload-tokens`. */
export const UploadTokenResponse = z.object({
  /** Send as `Authorization: Bearer <token>` on the upload routes. */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  limits: UploadTokenLimits,
});
export type UploadTokenResponse = z.infer<typeof UploadTokenResponse>;
