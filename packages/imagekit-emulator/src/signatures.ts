import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The v1 client-side upload signature: lowercase hex HMAC-SHA1 keyed with the private key over
 * `token + expire` (plain string concatenation, `expire` in Unix seconds).
 */
export function signUploadToken(privateKey: string, token: string, expire: string | number): string {
  return createHmac('sha1', privateKey)
    .update(`${token}${String(expire)}`)
    .digest('hex');
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The legacy `x-ik-signature` header value: `t=<unix ms>,v1=<hex HMAC-SHA256(utf8(secret), "<t>.<body>")>`.
 * The key is the whole secret string, `whsec_` prefix included.
 */
export function signLegacyWebhook(secret: string, rawBody: string, timestampMs: number): string {
  const v1 = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampMs}.${rawBody}`).digest('hex');
  return `t=${timestampMs},v1=${v1}`;
}

/** The Standard Webhooks header set ImageKit sends, all three values as strings. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks headers as ImageKit's v7 SDK verifies them: `webhook-signature: v1,<base64 HMAC-SHA256>`
 * over `"<id>.<unix seconds>.<body>"`. The key is the raw UTF-8 bytes of the whole `whsec_…` secret
 * (the SDK base64-encodes the secret before handing it to `standardwebhooks`, which decodes it again),
 * not the base64-decoded tail that the Standard Webhooks convention would use.
 */
export function signStandardWebhook(
  secret: string,
  id: string,
  rawBody: string,
  timestampSeconds: number,
): StandardWebhookHeaders {
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${id}.${timestampSeconds}.${rawBody}`)
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/**
 * Verifies a legacy `x-ik-signature` header the way ImageKit's v6 SDK does (no timestamp tolerance;
 * callers check the age themselves). Returns the timestamp in ms when valid, otherwise `undefined`.
 */
export function verifyLegacyWebhook(secret: string, rawBody: string, header: string): number | undefined {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isFinite(t) || !v1) return undefined;
  const expected = signLegacyWebhook(secret, rawBody, t).split('v1=')[1] ?? '';
  return safeEqual(expected, v1) ? t : undefined;
}
