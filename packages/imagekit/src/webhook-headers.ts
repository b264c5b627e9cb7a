import { IngestError } from '@ingestkit/contracts';
import type { ImageKitWebhookScheme, WebhookHeaders, WebhookRejection } from './verify-webhook';

/** `x-ik-signature: t=<unix ms>,v1=<hex>[,v1=<hex>…]`, parsed; undefined when malformed. */
export function parseLegacySignatureHeader(header: string): { t: string; signatures: Buffer[] } | undefined {
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = fields.get('t')?.[0] ?? '';
  const signatures = (fields.get('v1') ?? []).filter((hex) => /^[0-9a-f]{64}$/i.test(hex));
  if (!/^\d{1,16}$/.test(t) || signatures.length === 0) return undefined;
  return { t, signatures: signatures.map((hex) => Buffer.from(hex, 'hex')) };
}

/** Standard Webhooks' `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64>` entries), parsed; undefined when malformed. */
export function parseStandardSignatureHeaders(headers: {
  timestamp: string;
  signature: string;
}): { timestampMs: number; signatures: Buffer[] } | undefined {
  if (!/^\d{1,13}$/.test(headers.timestamp)) return undefined;
  const signatures = headers.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3))
    .filter((b64) => /^[A-Za-z0-9+/]{43}=$/.test(b64));
  if (signatures.length === 0) return undefined;
  return { timestampMs: Number(headers.timestamp) * 1000, signatures: signatures.map((b64) => Buffer.from(b64, 'base64')) };
}

/** Reads one header from Node's headers, a plain record (any case) or a fetch `Headers`. */
export function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * What can be checked of an ImageKit delivery before its body is read: that an accepted
 * scheme's signature headers are present and well formed, with a timestamp within
 * `toleranceMs`. A receiver calls it first and reads (and bounds) the body only when it
 * passes, so an unsigned or stale request costs no body read; `verifyImageKitWebhook` then
 * checks the signature itself. Throws `IngestError('unauthorized')` with `details.reason`
 * (`missing_headers`, `malformed_header`, `stale_timestamp`, `future_timestamp`).
 */
export function checkImageKitWebhookHeaders(options: {
  headers: WebhookHeaders;
  schemes?: readonly ImageKitWebhookScheme[];
  toleranceMs?: number;
  now?: number;
}): void {
  const schemes = options.schemes ?? ['standard', 'ik-signature'];
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? 5 * 60 * 1000;
  const failures: WebhookRejection[] = [];
  const checkAge = (timestampMs: number): WebhookRejection | undefined =>
    now - timestampMs > tolerance ? 'stale_timestamp' : timestampMs - now > tolerance ? 'future_timestamp' : undefined;
  const get = (name: string) => headerOf(options.headers, name);
  if (schemes.includes('standard')) {
    const [id, timestamp, signature] = [get('webhook-id'), get('webhook-timestamp'), get('webhook-signature')];
    if (id && timestamp && signature) {
      const parsed = parseStandardSignatureHeaders({ timestamp, signature });
      const failure = parsed ? checkAge(parsed.timestampMs) : 'malformed_header';
      if (failure === undefined) return;
      failures.push(failure);
    }
  }
  if (schemes.includes('ik-signature')) {
    const value = get('x-ik-signature');
    if (value) {
      const parsed = parseLegacySignatureHeader(value);
      const failure = parsed ? checkAge(Number(parsed.t)) : 'malformed_header';
      if (failure === undefined) return;
      failures.push(failure);
    }
  }
  const reason = failures[0] ?? 'missing_headers';
  throw new IngestError('unauthorized', `ImageKit webhook rejected: ${reason}`, { details: { reason } });
}
