import { IngestError } from '@ingestkit/contracts';
import { collapseUnits, type PurgeUnit } from './collapse';
import { ruleCovers } from './wildcard';

/** One URL to invalidate, as received from the `cdn.purge` queue or `POST /v1/purge`. */
export interface PurgeRequest {
  id: string;
  /** An absolute http(s) URL without `*`: wildcards are the planner's decision, not the caller's. */
  url: string;
  /** When the request arrived (ms since the epoch); the oldest are served first when the budget is short. */
  receivedAt: number;
}

/** A rule (exact URL or `prefix*`) submitted to the CDN and not yet completed. */
export interface PendingPurge {
  rule: string;
  /** When the CDN accepted it (ms since the epoch). */
  submittedAt: number;
}

export interface PlanPurgesInput {
  requests: readonly PurgeRequest[];
  /** Purges in flight at the CDN. */
  pending?: readonly PendingPurge[];
  /** Purges left this month, and the monthly allowance (ImageKit: 1000). */
  budget: { remaining: number; monthly: number };
  /** How many URLs (or narrower wildcards) under one prefix justify one `prefix*` purge; below 2 counts as 2. */
  collapseThreshold: number;
  /** Below this share of the monthly budget, collapse at 2. Default 0.1. */
  lowBudgetRatio?: number;
  /**
   * The URL endpoints the URLs are served from, with imagekitId and URL pattern
   * (`https://ik.imagekit.io/demo`). ImageKit's wildcard rules count path levels after the endpoint,
   * so URLs under none of these are only ever purged exactly.
   */
  urlEndpoints: readonly string[];
}

/** One purge call: `rule` is an exact URL or a `prefix*` that ImageKit accepts. */
export interface PlannedPurge {
  rule: string;
  /** The ids of the requests this rule settles. */
  covers: string[];
}

/** Every request id appears exactly once across `purges`, `coveredByPending`, `deferred`, `versioned` and `held`. */
export interface PurgePlan {
  /** The calls to make now, oldest request first; never more than the remaining budget. */
  purges: PlannedPurge[];
  /**
   * Requests settled by a pending rule submitted after they were received (`rule` is that pending
   * rule): the purge runs after the change, so no new call is needed.
   */
  coveredByPending: PlannedPurge[];
  /**
   * Requests under a pending rule submitted *before* they were received: that purge may run before
   * the change reached the origin, so they need one more purge — but not yet. Plan them again once
   * the pending rule completes, so that everything that piled up under it shares one call.
   */
  deferred: string[];
  /** Requests for versioned URLs (`?updatedAt=`): a new version changes the URL, so nothing is stale. */
  versioned: string[];
  /** Requests held because the budget cannot pay for their purge; plan them again later, never drop them. */
  held: string[];
  /** Requests whose URL repeated an earlier request's URL in this batch. */
  deduplicated: number;
}

/** The threshold used when the budget runs low or cannot pay for the plan. */
const AGGRESSIVE_THRESHOLD = 2;
const DEFAULT_LOW_BUDGET_RATIO = 0.1;

/**
 * Plans the fewest purge calls that invalidate every requested URL. Pure: the caller supplies the
 * pending rules and the budget, and records the outcome.
 *
 * URLs are compared after URL normalisation, without their `#fragment` (never sent to a CDN); other
 * query strings are kept, since ImageKit caches (and purges) each query variant separately.
 *
 * @throws IngestError `bad_request` when a URL is not an absolute http(s) URL or contains `*`.
 */
export function planPurges(input: PlanPurgesInput): PurgePlan {
  const { budget, urlEndpoints } = input;
  const pending = input.pending ?? [];
  const versioned: string[] = [];
  const byPending = new Map<string, string[]>();
  const deferred = new Set<string>();
  const byUrl = new Map<string, PurgeUnit>();
  let deduplicated = 0;

  for (const request of input.requests) {
    const parsed = parseRequestUrl(request);
    if (parsed.searchParams.has('updatedAt')) {
      versioned.push(request.id);
      continue;
    }
    const url = parsed.href;
    const covering = pending.filter((candidate) => ruleCovers(candidate.rule, url));
    if (covering.length > 0) {
      const after = covering.find((candidate) => candidate.submittedAt >= request.receivedAt);
      if (after) byPending.set(after.rule, [...(byPending.get(after.rule) ?? []), request.id]);
      else deferred.add(request.id);
      continue;
    }
    const existing = byUrl.get(url);
    if (existing) {
      deduplicated += 1;
      existing.ids.push(request.id);
      existing.receivedAt = Math.min(existing.receivedAt, request.receivedAt);
      continue;
    }
    const unit: PurgeUnit = { key: url, isWildcard: false, ids: [request.id], receivedAt: request.receivedAt };
    byUrl.set(url, unit);
  }

  const toPurge = [...byUrl.values()];

  const available = Math.max(0, Math.floor(budget.remaining));
  const ratio = input.lowBudgetRatio ?? DEFAULT_LOW_BUDGET_RATIO;
  const isLow = budget.monthly > 0 ? budget.remaining / budget.monthly < ratio : true;
  let units = collapseUnits(toPurge, isLow ? AGGRESSIVE_THRESHOLD : input.collapseThreshold, urlEndpoints);
  if (units.length > available) units = collapseUnits(toPurge, AGGRESSIVE_THRESHOLD, urlEndpoints);

  units.sort((a, b) => a.receivedAt - b.receivedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const paid = units.slice(0, available);
  const heldIds = new Set(units.slice(available).flatMap((unit) => unit.ids));

  return {
    purges: paid.map((unit) => ({ rule: unit.isWildcard ? `${unit.key}*` : unit.key, covers: unit.ids })),
    coveredByPending: [...byPending].map(([rule, covers]) => ({ rule, covers })),
    deferred: input.requests.map((request) => request.id).filter((id) => deferred.has(id)),
    versioned,
    held: input.requests.map((request) => request.id).filter((id) => heldIds.has(id)),
    deduplicated,
  };
}

function parseRequestUrl(request: PurgeRequest): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(request.url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || request.url.includes('*')) {
    throw new IngestError('bad_request', 'A purge URL must be an absolute http(s) URL without "*".', {
      details: { id: request.id, url: request.url },
    });
  }
  parsed.hash = '';
  return parsed;
}
