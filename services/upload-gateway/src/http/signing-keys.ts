import { createHmac } from 'node:crypto';

/**
 * The per-purpose keys derived from `GATEWAY_SIGNING_SECRET`: one secret to configure, but a
 * local upload signature can never be replayed as anything else.
 */
export function localUploadSecret(secret: string): string {
  return createHmac('sha256', secret).update('ingestkit local-upload v1').digest('base64url');
}

/** The key of the S3-API URLs the Uppy signing route hands out (see uppy-sign.routes.ts). */
export function uppySignSecret(secret: string): string {
  return createHmac('sha256', secret).update('ingestkit uppy-sign v1').digest('base64url');
}
