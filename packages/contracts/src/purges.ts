import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

const purgeIdPattern = /^prg_[A-Za-z0-9_-]{22}$/;

/** A purge id: `prg_` and 22 URL-safe base64 characters. */
export const PurgeId = z.string().regex(purgeIdPattern, 'not a purge id');
export type PurgeId = z.infer<typeof PurgeId>;

export function newPurgeId(): PurgeId {
  return `prg_${randomBytes(16).toString('base64url')}`;
}

/** A deterministic purge id, so a retried producer (a webhook redelivered) tracks the same purge. */
export function purgeIdFrom(seed: string): PurgeId {
  return `prg_${createHash('sha256').update(seed).digest('base64url').slice(0, 22)}`;
}

/** Why a URL is purged from the CDN (`deleted`: the asset was deleted and its plain URLs must stop serving). */
export const PurgeReason = z.enum(['version-superseded', 'overwrite', 'api', 'deleted']);
export type PurgeReason = z.infer<typeof PurgeReason>;

/**
 * Where one URL of a purge stands: `queued` (waiting for its batch, or behind an in-flight purge
 * of the same path), `held` (the monthly budget is spent), `submitted` (the CDN accepted a rule
 * covering it), `completed` (that rule reached every edge, or the URL is versioned and needs none).
 */
export const PurgeUrlStatus = z.enum(['queued', 'held', 'submitted', 'completed']);
export type PurgeUrlStatus = z.infer<typeof PurgeUrlStatus>;

export const PurgeUrlState = z.object({
  url: z.url(),
  status: PurgeUrlStatus,
  /** The rule that covers the URL: the URL itself or a `prefix*` wildcard. */
  rule: z.string().optional(),
  /** The CDN's request id for that rule. */
  requestId: z.string().optional(),
  /** Set when the URL carries `?updatedAt=`: a versioned URL is never stale, so it needs no purge. */
  versioned: z.literal(true).optional(),
});
export type PurgeUrlState = z.infer<typeof PurgeUrlState>;

/** A purge as `GET /v1/purge/:id` shows it; `status` is the least advanced of its URLs (held first). */
export const Purge = z.object({
  id: PurgeId,
  status: PurgeUrlStatus,
  reason: PurgeReason,
  urls: z.array(PurgeUrlState),
  /** The distinct CDN request ids, for support tickets. */
  requestIds: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Purge = z.infer<typeof Purge>;

/** `POST /v1/purge`: absolute URLs under the configured URL endpoint; no `*` (wildcards are the planner's call). */
export const PurgeRequestBody = z.object({ urls: z.array(z.string()).min(1) });
export type PurgeRequestBody = z.infer<typeof PurgeRequestBody>;

export const PurgeAccepted = z.object({ purge: Purge });
