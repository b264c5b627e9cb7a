import { isIngestError, type PrincipalRef, type PurgeReason, type PurgeUrlState } from '@ingestkit/contracts';
import { planPurges, type PendingPurge, type PurgePlan, type PurgeRequest, type PurgeStore } from '@ingestkit/purge';
import type { Logger } from '@ingestkit/runtime';
import { admitByAllowance, type PurgeAllowance } from './purge-allowance';
import type { PurgeBackend } from './purge-backend';
import type { PurgeBudget } from './purge-budget';
import type { PurgeMetrics } from './purge-metrics';

/** A request as the batch sees it: the planner's request and the purge it belongs to, if tracked. */
export interface TrackedPurgeRequest extends PurgeRequest {
  purgeId?: string;
  /** Why: `api` (POST /v1/purge, or unknown) may spend the whole budget; the others, caused by uploads, only the upload share. */
  reason?: PurgeReason;
  /** Who caused it; a purge caused by an upload also spends that key's hourly allowance. */
  causedBy?: PrincipalRef;
}

/**
 * What became of one request: covered by a purge the CDN accepted (now, or already in flight),
 * completed without a purge (a versioned URL), deferred behind an in-flight purge of its path, or
 * held for lack of budget.
 */
export type PurgeOutcome =
  | { status: 'submitted'; rule: string; requestId: string }
  | { status: 'completed'; versioned: true }
  | { status: 'deferred' }
  | { status: 'held' };

export interface PurgeBatchDeps {
  backend: PurgeBackend;
  budget: PurgeBudget;
  /** Upload-caused purges per key and hour. */
  allowance: PurgeAllowance;
  /** Purges of the month that upload-caused requests may spend (the rest is kept for `POST /v1/purge`). */
  uploadShare: number;
  store: PurgeStore;
  metrics: PurgeMetrics;
  logger: Logger;
  collapseThreshold: number;
  urlEndpoints: readonly string[];
}

/**
 * Plans one batch against the in-flight purges and the budget, submits each planned rule, and
 * records every request's outcome on its purge. The budget is reserved before the calls (so
 * replicas cannot overspend it) and what the CDN did not accept is given back. A failed call fails
 * only the requests its rule covers, so the queue retries them; after a 429 the batch makes no
 * further calls, and those requests fail with the same rate-limit error.
 */
export function purgeBatchHandler(deps: PurgeBatchDeps) {
  return async (requests: readonly TrackedPurgeRequest[]): Promise<Array<PurgeOutcome | Error>> => {
    const inFlight = await deps.store.inFlight();
    const { admitted, overAllowance } = await admitByAllowance(deps.allowance, requests);
    // Two budgets: API purges may spend the whole month, upload-caused ones only the upload share.
    const api = admitted.filter((request) => (request.reason ?? 'api') === 'api');
    const uploads = admitted.filter((request) => (request.reason ?? 'api') !== 'api');
    const apiPlan = await planWithinBudget(deps, api, inFlight, deps.budget.monthly);
    // The API's rules count as submitted after every upload request, so an upload request they
    // cover rides along instead of costing a second call.
    const apiRules = apiPlan.purges.map(({ rule }) => ({ rule, submittedAt: Number.MAX_SAFE_INTEGER }));
    const uploadPlan = await planWithinBudget(deps, uploads, [...inFlight, ...apiRules], deps.uploadShare);
    const isApiRule = (rule: string) => apiRules.some((entry) => entry.rule === rule);
    const ridesAlong = uploadPlan.coveredByPending.filter(({ rule }) => isApiRule(rule));
    const plan = mergePlans(apiPlan, {
      ...uploadPlan,
      coveredByPending: uploadPlan.coveredByPending.filter(({ rule }) => !isApiRule(rule)),
      deduplicated: uploadPlan.deduplicated + ridesAlong.reduce((sum, entry) => sum + entry.covers.length, 0),
    });
    plan.held.push(...overAllowance);
    const outcomes = new Map<string, PurgeOutcome | Error>();
    for (const id of plan.versioned) outcomes.set(id, { status: 'completed', versioned: true });
    for (const id of plan.held) outcomes.set(id, { status: 'held' });
    for (const id of plan.deferred) outcomes.set(id, { status: 'deferred' });
    for (const { rule, covers } of plan.coveredByPending) {
      const requestId = inFlight.find((entry) => entry.rule === rule)?.requestId ?? '';
      for (const id of covers) outcomes.set(id, { status: 'submitted', rule, requestId });
    }

    let accepted = 0;
    let rateLimited: Error | undefined;
    const submitted = new Map<string, PurgeOutcome | Error>();
    for (const { rule, covers } of plan.purges) {
      const result = rateLimited ?? (await submit(deps, rule));
      if (result instanceof Error) {
        if (isIngestError(result) && result.code === 'rate_limited') rateLimited = result;
        for (const id of covers) outcomes.set(id, result);
        submitted.set(rule, result);
        continue;
      }
      accepted += 1;
      const outcome: PurgeOutcome = { status: 'submitted', rule, requestId: result.requestId };
      for (const id of covers) outcomes.set(id, outcome);
      submitted.set(rule, outcome);
    }
    for (const { rule, covers } of ridesAlong) {
      const outcome = submitted.get(rule) ?? new Error(`rule ${rule} was planned but not submitted`);
      for (const id of covers) outcomes.set(id, outcome);
    }
    await deps.budget.release(plan.purges.length - accepted);

    await Promise.all(requests.map((request) => recordOutcome(deps.store, request, outcomes.get(request.id))));
    deps.metrics.deduplicated.inc({ kind: 'duplicate' }, plan.deduplicated);
    deps.metrics.deduplicated.inc(
      { kind: 'in_flight' },
      plan.coveredByPending.reduce((sum, entry) => sum + entry.covers.length, 0),
    );
    deps.metrics.held.inc(plan.held.length);
    deps.logger.info(
      {
        requests: requests.length,
        calls: plan.purges.length,
        accepted,
        held: plan.held.length,
        // Held for their key's hourly allowance, by key id: which backend (or its tokens) overwrites that much.
        ...(overAllowance.length > 0 ? { overAllowance: overAllowanceByKey(requests, overAllowance) } : {}),
        deferred: plan.deferred.length,
        deduplicated: plan.deduplicated,
      },
      'purge batch planned',
    );
    return requests.map((request) => outcomes.get(request.id) ?? new Error(`request ${request.id} missing from the plan`));
  };
}

function overAllowanceByKey(requests: readonly TrackedPurgeRequest[], ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    if (request.causedBy && ids.includes(request.id)) counts[request.causedBy.keyId] = (counts[request.causedBy.keyId] ?? 0) + 1;
  }
  return counts;
}

function mergePlans(a: PurgePlan, b: PurgePlan): PurgePlan {
  return {
    purges: [...a.purges, ...b.purges],
    coveredByPending: [...a.coveredByPending, ...b.coveredByPending],
    deferred: [...a.deferred, ...b.deferred],
    versioned: [...a.versioned, ...b.versioned],
    held: [...a.held, ...b.held],
    deduplicated: a.deduplicated + b.deduplicated,
  };
}

const EMPTY_PLAN: PurgePlan = { purges: [], coveredByPending: [], deferred: [], versioned: [], held: [], deduplicated: 0 };

/**
 * Plans, then reserves the plan's calls within `limit` (the most the month's use may reach for
 * these requests); if another replica took part of the budget meanwhile, plans again with what
 * was granted.
 */
async function planWithinBudget(
  deps: PurgeBatchDeps,
  requests: readonly PurgeRequest[],
  pending: readonly PendingPurge[],
  limit: number,
): Promise<PurgePlan> {
  if (requests.length === 0) return { ...EMPTY_PLAN };
  const plan = (remaining: number) =>
    planPurges({
      requests,
      pending,
      budget: { remaining, monthly: deps.budget.monthly },
      collapseThreshold: deps.collapseThreshold,
      urlEndpoints: deps.urlEndpoints,
    });
  const first = plan(await deps.budget.remaining(undefined, limit));
  const granted = await deps.budget.reserve(first.purges.length, undefined, limit);
  if (granted >= first.purges.length) return first;
  const second = plan(granted);
  await deps.budget.release(granted - second.purges.length);
  return second;
}

async function submit(deps: PurgeBatchDeps, rule: string): Promise<{ requestId: string } | Error> {
  const submittedAt = Date.now();
  try {
    const { requestId } = await deps.backend.purge(rule);
    deps.metrics.apiCalls.inc({ outcome: 'ok' });
    if (rule.endsWith('*')) deps.metrics.wildcards.inc();
    await deps.store.addInFlight({ rule, requestId, submittedAt });
    return { requestId };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const rateLimited = isIngestError(error) && error.code === 'rate_limited';
    deps.metrics.apiCalls.inc({ outcome: rateLimited ? 'rate_limited' : 'error' });
    deps.logger.warn({ err: error.message, rule }, 'purge call failed');
    return error;
  }
}

function recordOutcome(
  store: PurgeStore,
  request: TrackedPurgeRequest,
  outcome: PurgeOutcome | Error | undefined,
): Promise<void> {
  if (!request.purgeId || !outcome) return Promise.resolve();
  const state: PurgeUrlState =
    outcome instanceof Error || outcome.status === 'deferred'
      ? { url: request.url, status: 'queued' }
      : outcome.status === 'submitted'
        ? { url: request.url, status: 'submitted', rule: outcome.rule, requestId: outcome.requestId }
        : outcome.status === 'held'
          ? { url: request.url, status: 'held' }
          : { url: request.url, status: 'completed', versioned: true };
  return store.record(request.purgeId, state);
}
