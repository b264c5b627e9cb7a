import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseLegacySignatureHeader, parseStandardSignatureHeaders } from './webhook-headers';

/** Why one scheme rejected a delivery; mirrors `standardwebhooks`' errors plus a parse failure. */
export type SchemeFailure = 'malformed_header' | 'signature_mismatch' | 'stale_timestamp' | 'future_timestamp';

/** The outcome of checking one scheme's headers: the signed timestamp in ms, or why it failed. */
export type SchemeResult = { ok: true; timestampMs: number } | { ok: false; reason: SchemeFailure };

/** The key ImageKit uses for both schemes: the raw UTF-8 bytes of the whole `whsec_…` string (CONTRACTS §4.3). */
function imagekitKey(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}

/**
 * The Standard Webhooks specification's key: the base64 after `whsec_`. ImageKit does not use it
 * today (its SDK re-encodes the whole string), but a sender that follows the specification —
 * or ImageKit, should it align — is verified too; both keys derive from the same secret.
 */
function specificationKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 16 ? key : undefined;
}

function hmac(key: Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

function matchesAny(expectedPerSecret: Buffer[], candidates: Buffer[]): boolean {
  let found = false;
  // Compare every pair (no early exit) so timing does not reveal which secret or signature matched.
  for (const expected of expectedPerSecret) {
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) found = true;
    }
  }
  return found;
}

function checkAge(timestampMs: number, now: number, toleranceMs: number): SchemeResult {
  if (now - timestampMs > toleranceMs) return { ok: false, reason: 'stale_timestamp' };
  if (timestampMs - now > toleranceMs) return { ok: false, reason: 'future_timestamp' };
  return { ok: true, timestampMs };
}

/**
 * Legacy `x-ik-signature: t=<unix ms>,v1=<hex>` with `hex = HMAC-SHA256(secret, "<t>.<rawBody>")`.
 * ImageKit's v6 SDK checks no age; this does (±`toleranceMs`), after the signature.
 */
export function checkLegacySignature(
  header: string,
  body: Buffer,
  secrets: readonly string[],
  now: number,
  toleranceMs: number,
): SchemeResult {
  const parsed = parseLegacySignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed_header' };
  const { t, signatures } = parsed;
  const expected = secrets.map((secret) => hmac(imagekitKey(secret), `${t}.`, body));
  if (!matchesAny(expected, signatures)) {
    return { ok: false, reason: 'signature_mismatch' };
  }
  return checkAge(Number(t), now, toleranceMs);
}

/**
 * Standard Webhooks as ImageKit's v7 SDK verifies them: `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<rawBody>")>` entries and
 * `webhook-timestamp` is Unix seconds. Other versions (`v1a,…`) are ignored.
 */
export function checkStandardSignature(
  headers: { id: string; timestamp: string; signature: string },
  body: Buffer,
  secrets: readonly string[],
  now: number,
  toleranceMs: number,
): SchemeResult {
  const parsed = parseStandardSignatureHeaders(headers);
  if (!parsed) return { ok: false, reason: 'malformed_header' };
  const keys = secrets.flatMap((secret) => [imagekitKey(secret), specificationKey(secret)].filter((key) => key !== undefined));
  const expected = keys.map((key) => hmac(key, `${headers.id}.${headers.timestamp}.`, body));
  if (!matchesAny(expected, parsed.signatures)) {
    return { ok: false, reason: 'signature_mismatch' };
  }
  return checkAge(parsed.timestampMs, now, toleranceMs);
}
