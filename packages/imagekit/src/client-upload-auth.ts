import { createHmac, randomUUID } from 'node:crypto';
import { IngestError } from '@ingestkit/contracts';
import { type ClientUploadAuth } from './imagekit-adapter';

/** The SDK helpers' default lifetime: 30 minutes. */
export const DEFAULT_CLIENT_UPLOAD_EXPIRY_SECONDS = 30 * 60;
/** ImageKit rejects an `expire` one hour or more into the future. */
export const MAX_CLIENT_UPLOAD_EXPIRY_SECONDS = 60 * 60;

/** Inputs of {@link createClientUploadAuth}; `now` and `token` exist for tests. */
export interface ClientUploadAuthOptions {
  privateKey: string;
  publicKey: string;
  /** Lifetime in seconds, 1 to 3599; default 1800. */
  expireInSeconds?: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** Token generator; default a v4 UUID, as ImageKit recommends. */
  token?: () => string;
}

/**
 * The response of an ImageKit `authenticationEndpoint` (v1 client-side upload): a fresh random
 * `token`, `expire` in Unix seconds, and `signature = hex(HMAC-SHA1(privateKey, token + expire))`.
 * The same computation as the v7 SDK's `helper.getAuthenticationParameters`, but the lifetime is
 * relative (the SDK takes an absolute timestamp despite its README) and bounded below one hour.
 * Each token works for one upload only, even if that upload fails; call again for a retry.
 */
export function createClientUploadAuth(options: ClientUploadAuthOptions): ClientUploadAuth {
  const lifetime = options.expireInSeconds ?? DEFAULT_CLIENT_UPLOAD_EXPIRY_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime >= MAX_CLIENT_UPLOAD_EXPIRY_SECONDS) {
    throw new IngestError('bad_request', `expireInSeconds must be an integer from 1 to 3599, got ${lifetime}`, {
      details: { expireInSeconds: lifetime },
    });
  }
  const now = options.now ?? Date.now;
  const token = (options.token ?? randomUUID)();
  const expire = Math.floor(now() / 1000) + lifetime;
  const signature = createHmac('sha1', options.privateKey).update(`${token}${expire}`).digest('hex');
  return { token, expire, signature, publicKey: options.publicKey };
}
