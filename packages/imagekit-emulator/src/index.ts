export { startEmulator, type Emulator } from './emulator';
export { type EmulatorOptions, type FaultKind, type FaultOptions, type WebhookRetryOptions } from './types';
export { type FileRecord, type VersionRecord } from './file-store';
export { type PurgeRecord, type PurgeStatus } from './purge-tracker';
export { type WebhookDelivery, type WebhookEvent } from './webhook-dispatcher';
export { HELP_TEXT, MESSAGES } from './api-error';
export { normalizeFolder, sanitizeFileName, withUniqueSuffix } from './file-name';
export { checkPurgeUrl, type PurgeUrlCheck } from './purge-rules';
export {
  signLegacyWebhook,
  signStandardWebhook,
  signUploadToken,
  verifyLegacyWebhook,
  type StandardWebhookHeaders,
} from './signatures';
export { tokenReusedMessage } from './client-auth';
