import { Notification } from '@ingestkit/contracts';
import { IngestkitError } from './errors';

/** Header values as Node (`req.headers`), the Fetch API (`Headers`) or a plain object give them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** Options of {@link verifyNotification}. */
export interface VerifyOptions {
  /** Largest accepted clock difference, in seconds (default 300, as the specification suggests). */
  toleranceSeconds?: number;
  /** Now, in ms (tests). */
  now?: number;
}

const fail = (message: string) => new IngestkitError({ code: 'signature_invalid', status: 401, message });

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Checks an ingestkit notification the way Standard Webhooks specifies (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>` over `id.timestamp.body`)
 * against one or several `whsec_…` secrets (several during a rotation), and returns the parsed
 * notification. Throws an {@link IngestkitError} `signature_invalid` (status 401) otherwise.
 * Pass the raw body exactly as received: re-serialised JSON does not verify. Deduplicate on
 * `notification.id` (the `webhook-id`): delivery is at least once. Web Crypto only, so it runs
 * in Node ≥ 20, Deno, Bun and edge runtimes.
 */
export async function verifyNotification(
  rawBody: string | Uint8Array,
  headers: HeaderSource,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): Promise<Notification> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = (header(headers, 'webhook-signature') ?? '')
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => part.slice(3));
  if (!id || !timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0)
    throw fail('missing or malformed webhook headers');
  const now = options.now ?? Date.now();
  if (Math.abs(now / 1000 - Number(timestamp)) > (options.toleranceSeconds ?? 300))
    throw fail('the timestamp is outside the tolerance');
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  let matched = false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    if (!secret.startsWith('whsec_')) throw new Error('expected whsec_<base64> secrets');
    const key = await globalThis.crypto.subtle.importKey(
      'raw',
      decodeBase64(secret.slice(6)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const expected = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, signed));
    // Every pair is compared (no early exit): timing does not tell which secret matched.
    for (const candidate of signatures) {
      let bytes: Uint8Array;
      try {
        bytes = decodeBase64(candidate);
      } catch {
        continue;
      }
      if (timingSafeEqual(bytes, expected)) matched = true;
    }
  }
  if (!matched) throw fail('no signature matches the secrets');
  const parsed = Notification.safeParse(JSON.parse(body));
  if (!parsed.success)
    throw new IngestkitError({ code: 'invalid_response', message: 'the notification does not match the contract' });
  return parsed.data;
}
