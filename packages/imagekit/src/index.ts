export {
  CONTENT_HASH_FIELD,
  type ClientUploadAuth,
  type ImageKitAdapter,
  type ImageKitFile,
  type ListFilesQuery,
  type PurgeStatus,
  type UploadInput,
  type UploadedFile,
} from './imagekit-adapter';
export { createImageKitClient, type ImageKitClient, type ImageKitClientOptions } from './imagekit-client';
export { retryAfterMsFrom, toImageKitError } from './imagekit-error';
export {
  DEFAULT_CLIENT_UPLOAD_EXPIRY_SECONDS,
  MAX_CLIENT_UPLOAD_EXPIRY_SECONDS,
  createClientUploadAuth,
  type ClientUploadAuthOptions,
} from './client-upload-auth';
export {
  verifyImageKitWebhook,
  type ImageKitWebhookEvent,
  type ImageKitWebhookScheme,
  type VerifyImageKitWebhookOptions,
  type WebhookHeaders,
  type WebhookRejection,
} from './verify-webhook';
export { checkImageKitWebhookHeaders } from './webhook-headers';
export { assetIdFromImageKitPath, imagekitFilePath, joinImageKitPath, type ImageKitFileRef } from './file-paths';
