import { createHmac } from 'node:crypto';
import { ApiError, MESSAGES } from './api-error';
import { safeEqual, signUploadToken } from './signatures';

/** Keys and the replay set that client-side upload auth is checked against. */
export interface ClientAuthContext {
  privateKey: string;
  publicKey: string;
  /** Tokens (v1 tokens and v2 JWTs) already presented; checking a token adds it, even when the check then fails. */
  usedTokens: Set<string>;
  /** Current time in ms; injectable for tests. */
  now?: number;
}

const MAX_EXPIRE_AHEAD_SECONDS = 3600;

/** The "token has been used before" 400 message, as observed from ImageKit (imagekit-javascript #59). */
export function tokenReusedMessage(token: string): string {
  return `The token with value '${token}' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions.`;
}

/** Consumes a token: a 400 if it was seen before, otherwise remembered so it can never be used again. */
function consumeToken(token: string, ctx: ClientAuthContext): void {
  if (ctx.usedTokens.has(token)) throw new ApiError(400, tokenReusedMessage(token));
  ctx.usedTokens.add(token);
}

/**
 * Verifies v1 client-side auth fields (`publicKey`, `token`, `expire`, `signature`). The token is
 * consumed first, so it is single-use even when the request is then rejected. `expire` (Unix seconds)
 * must be in the future and at most 1 h ahead; `signature` must be hex HMAC-SHA1(privateKey, token+expire).
 */
export function verifyClientSignature(fields: Record<string, string>, ctx: ClientAuthContext): void {
  const { publicKey, token, expire, signature } = fields;
  if (!token) throw new ApiError(400, MESSAGES.missingToken);
  consumeToken(token, ctx);
  if (!publicKey || !safeEqual(publicKey, ctx.publicKey)) throw new ApiError(403, MESSAGES.cannotAuthenticate);
  const nowSeconds = Math.floor((ctx.now ?? Date.now()) / 1000);
  const expireSeconds = Number(expire);
  if (!/^\d+$/.test(expire ?? '') || expireSeconds <= nowSeconds || expireSeconds > nowSeconds + MAX_EXPIRE_AHEAD_SECONDS) {
    throw new ApiError(400, MESSAGES.invalidExpire);
  }
  if (!signature || !safeEqual(signature.toLowerCase(), signUploadToken(ctx.privateKey, token, expire ?? ''))) {
    throw new ApiError(400, MESSAGES.invalidSignature);
  }
}

/**
 * Verifies a v2 upload JWT (HS256 with the private key, `kid` = public key, `exp - iat` ≤ 3600, not
 * expired) whose payload, apart from `iat`/`exp`, must equal the form fields other than `file` and
 * `token`, all as strings. The JWT is single-use.
 */
export function verifyUploadJwt(fields: Record<string, string>, ctx: ClientAuthContext): void {
  const { token } = fields;
  if (!token) throw new ApiError(400, MESSAGES.missingToken);
  consumeToken(token, ctx);
  const [headerPart, payloadPart, signaturePart, ...rest] = token.split('.');
  if (!headerPart || !payloadPart || !signaturePart || rest.length > 0) throw new ApiError(400, MESSAGES.invalidToken);
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (header?.alg !== 'HS256' || payload === undefined) throw new ApiError(400, MESSAGES.invalidToken);
  const expected = createHmac('sha256', ctx.privateKey).update(`${headerPart}.${payloadPart}`).digest('base64url');
  if (!safeEqual(expected, signaturePart)) throw new ApiError(400, MESSAGES.invalidToken);
  if (header.kid !== ctx.publicKey) throw new ApiError(403, MESSAGES.cannotAuthenticate);
  const { iat, exp, ...claims } = payload;
  const nowSeconds = Math.floor((ctx.now ?? Date.now()) / 1000);
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > MAX_EXPIRE_AHEAD_SECONDS) {
    throw new ApiError(400, MESSAGES.invalidToken);
  }
  if (exp <= nowSeconds) throw new ApiError(400, MESSAGES.expiredToken);
  const formEntries = Object.entries(fields).filter(([name]) => name !== 'file' && name !== 'token');
  const claimEntries = Object.entries(claims);
  const matches =
    formEntries.length === claimEntries.length &&
    formEntries.every(([name, value]) => String(claims[name]) === value && name in claims);
  if (!matches) throw new ApiError(400, MESSAGES.jwtPayloadMismatch);
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
