/**
 * `@ingestkit/client` for browsers and any runtime with `fetch` and Web Crypto. The Node entry
 * (`index.ts`) adds uploads from paths; everything else is here.
 */
import type { ClientOptions } from './transport';
import { createClientWith, type IngestkitClient } from './client';

export type { ClientOptions } from './transport';
export type { IngestkitClient, CallOptions } from './client';
export type { ListAssetsOptions, WaitOptions } from './assets';
export type { RetryOptions } from './retry';
export type { UploadOptions, UploadProgress, UploadFlow } from './upload/options';
export type { UploadInput } from './upload/source';
export { IngestkitError, isIngestkitError, type ClientErrorCode } from './errors';
export { verifyNotification, type HeaderSource, type VerifyOptions } from './verify-notification';
export { responsiveImage, type ResponsiveImage } from './responsive-image';
export { sniffImageType } from './sniff';
export type { Asset, AssetStatus, Import, JobRequest, Notification, Purge } from '@ingestkit/contracts';

/** A client for one gateway and key (browsers: an upload token, on the upload routes). */
export function createClient(options: ClientOptions): IngestkitClient {
  return createClientWith(options);
}
