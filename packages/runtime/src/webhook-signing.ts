import { createHmac } from 'node:crypto';

/** A Standard Webhooks secret: `whsec_` and the base64 of the key (at least 16 bytes). */
export const standardWebhookSecretPattern = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;

/** The signing key of a `whsec_…` secret, per the specification: the base64 after the prefix. */
export function standardWebhookKey(secret: string): Buffer {
  if (!standardWebhookSecretPattern.test(secret)) throw new Error('expected a whsec_<base64> secret');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** The headers of one signed delivery. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  /** Unix seconds. */
  'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
  'webhook-signature': string;
}

/**
 * Signs a delivery the way the Standard Webhooks specification (and every library that
 * implements it) verifies it. `id` must stay the same across redeliveries of one event, so the
 * receiver can deduplicate; `timestampSeconds` is the time of this attempt.
 */
export function signStandardWebhook(input: {
  secret: string;
  id: string;
  timestampSeconds: number;
  body: string;
}): StandardWebhookHeaders {
  const timestamp = String(Math.floor(input.timestampSeconds));
  const signature = createHmac('sha256', standardWebhookKey(input.secret))
    .update(`${input.id}.${timestamp}.${input.body}`)
    .digest('base64');
  return { 'webhook-id': input.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
