import { type NextFunction, type Request, type Response } from 'express';
import { ApiError, MESSAGES } from './api-error';
import { safeEqual } from './signatures';

/**
 * The username of an `Authorization: Basic` header, accepting both forms ImageKit's spec lists:
 * `Basic base64("<key>:<anything>")` (what the SDKs send) and `Basic <key>` unencoded.
 * Returns `undefined` when there is no Basic header.
 */
export function basicAuthUser(header: string | undefined): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const credential = match[1].trim();
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  // A private key is printable ASCII; a decoding that yields something else (or no colon) was not base64.
  if (/^[\x20-\x7e]+$/.test(decoded) && decoded.includes(':')) return decoded.slice(0, decoded.indexOf(':'));
  return credential;
}

/**
 * Checks a Basic header against the private key, comparing only the username:
 * none → 401 "does not contain private API key", wrong key → 403 "cannot be authenticated".
 */
export function assertPrivateKey(header: string | undefined, privateKey: string): void {
  const user = basicAuthUser(header);
  if (user === undefined || user === '') throw new ApiError(401, MESSAGES.missingPrivateKey);
  if (!safeEqual(user, privateKey)) throw new ApiError(403, MESSAGES.cannotAuthenticate);
}

/** Express middleware requiring private-key Basic auth. */
export function requirePrivateKey(privateKey: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    assertPrivateKey(req.headers.authorization, privateKey);
    next();
  };
}
