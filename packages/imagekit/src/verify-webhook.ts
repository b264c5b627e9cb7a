import { IngestError } from '@ingestkit/contracts';
import { headerOf } from './webhook-headers';
import { type SchemeFailure, type SchemeResult, checkLegacySignature, checkStandardSignature } from './webhook-signatures';

/** The two signature schemes ImageKit sends on every delivery (CONTRACTS §4.3). */
export type ImageKitWebhookScheme = 'ik-signature' | 'standard';

/** Request headers: Node's `IncomingHttpHeaders`, a plain record (any case) or a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

/** Options for {@link verifyImageKitWebhook}. */
export interface VerifyImageKitWebhookOptions {
  /** The body exactly as received, before any JSON parsing. */
  rawBody: Buffer | string;
  headers: WebhookHeaders;
  /** Every currently valid `whsec_…` secret; several during a rotation. */
  secrets: readonly string[];
  /** Schemes to accept; default both. */
  schemes?: readonly ImageKitWebhookScheme[];
  /** Allowed clock difference either way, in ms; default 5 minutes. */
  toleranceMs?: number;
  /** Current time in ms; default `Date.now()`. */
  now?: number;
}

/** A verified event. Only `id` and `type` are checked; parse `data` with the contracts schema for `type`. */
export interface ImageKitWebhookEvent {
  id: string;
  type: string;
  created_at?: string;
  data?: unknown;
  [key: string]: unknown;
}

/** Why verification failed, in `IngestError.details.reason`. */
export type WebhookRejection = SchemeFailure | 'missing_headers';

const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

function reject(reason: WebhookRejection, schemes: Record<string, SchemeFailure>): never {
  throw new IngestError('unauthorized', `ImageKit webhook rejected: ${reason}`, { details: { reason, schemes } });
}

/**
 * Verifies an ImageKit webhook delivery and returns the parsed event. Each accepted scheme whose
 * headers are present is checked (Standard Webhooks first, then `x-ik-signature`); one valid
 * signature with a timestamp within `toleranceMs` is enough. Keys are the UTF-8 bytes of the whole
 * secret, as the v7 SDK's `webhooks.unwrap` and the legacy scheme use; comparisons are constant-time.
 *
 * Throws `IngestError('unauthorized')` with `details.reason`: `missing_headers`, `malformed_header`,
 * `signature_mismatch` (wrong secret or body changed: the two cannot be told apart), `stale_timestamp`
 * or `future_timestamp`; a signed body that is not a JSON event is `bad_request`.
 * Replays inside the tolerance window pass: deduplicating by `event.id` is the receiver's job.
 */
export function verifyImageKitWebhook(options: VerifyImageKitWebhookOptions): ImageKitWebhookEvent {
  const secrets = options.secrets.filter((secret) => secret !== '');
  if (secrets.length === 0) throw new IngestError('internal_error', 'No ImageKit webhook secret is configured');
  const schemes = options.schemes ?? ['standard', 'ik-signature'];
  const body = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody, 'utf8');
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;

  const failures: Record<string, SchemeFailure> = {};
  const attempts: [ImageKitWebhookScheme, () => SchemeResult | undefined][] = [
    [
      'standard',
      () => {
        const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) =>
          headerOf(options.headers, name),
        );
        if (!id || !timestamp || !signature) return undefined;
        return checkStandardSignature({ id, timestamp, signature }, body, secrets, now, tolerance);
      },
    ],
    [
      'ik-signature',
      () => {
        const value = headerOf(options.headers, 'x-ik-signature');
        return value ? checkLegacySignature(value, body, secrets, now, tolerance) : undefined;
      },
    ],
  ];
  let verified = false;
  for (const [scheme, attempt] of attempts) {
    if (!schemes.includes(scheme)) continue;
    const result = attempt();
    if (result?.ok) {
      verified = true;
      break;
    }
    if (result) failures[scheme] = result.reason;
  }
  if (!verified) {
    const first = Object.values(failures)[0];
    reject(first ?? 'missing_headers', failures);
  }
  return parseEvent(body);
}

function parseEvent(body: Buffer): ImageKitWebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new IngestError('bad_request', 'ImageKit webhook body is not JSON', { cause: err });
  }
  const candidate = event as Partial<ImageKitWebhookEvent> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.type !== 'string' ||
    typeof candidate.id !== 'string'
  ) {
    throw new IngestError('bad_request', 'ImageKit webhook body is not an event with string id and type');
  }
  return candidate as ImageKitWebhookEvent;
}
