import { planPurges, type PurgeRequest } from '@ingestkit/purge';
import type { Logger } from '@ingestkit/runtime';
import type { PurgeBackend } from './purge-backend';
import type { PurgeBudget } from './purge-budget';
import type { PurgeMetrics } from './purge-metrics';

/** What became of one request: purged now (`requestId`), nothing to do, or held for lack of budget. */
export type PurgeOutcome =
  { status: 'submitted'; rule: string; requestId: string } | { status: 'versioned' } | { status: 'held' };

export interface PurgeBatchDeps {
  backend: PurgeBackend;
  budget: PurgeBudget;
  metrics: PurgeMetrics;
  logger: Logger;
  collapseThreshold: number;
  urlEndpoints: readonly string[];
}

/**
 * Plans one batch with the budget read from Redis, submits each planned rule and records its
 * cost. A failed call fails only the requests that rule covers, so they are retried by the queue;
 * the budget is charged for every call the CDN accepted.
 */
export function purgeBatchHandler(deps: PurgeBatchDeps) {
  return async (requests: readonly PurgeRequest[]): Promise<Array<PurgeOutcome | Error>> => {
    const remaining = await deps.budget.remaining();
    const plan = planPurges({
      requests,
      budget: { remaining, monthly: deps.budget.monthly },
      collapseThreshold: deps.collapseThreshold,
      urlEndpoints: deps.urlEndpoints,
    });
    const outcomes = new Map<string, PurgeOutcome | Error>();
    for (const id of plan.versioned) outcomes.set(id, { status: 'versioned' });
    for (const id of plan.held) outcomes.set(id, { status: 'held' });

    let accepted = 0;
    for (const { rule, covers } of plan.purges) {
      try {
        const { requestId } = await deps.backend.purge(rule);
        accepted += 1;
        deps.metrics.apiCalls.inc({ outcome: 'ok' });
        for (const id of covers) outcomes.set(id, { status: 'submitted', rule, requestId });
      } catch (err) {
        deps.metrics.apiCalls.inc({ outcome: 'error' });
        deps.logger.warn({ err: (err as Error).message, rule, requests: covers.length }, 'purge call failed');
        for (const id of covers) outcomes.set(id, err instanceof Error ? err : new Error(String(err)));
      }
    }
    await deps.budget.spend(accepted);
    deps.metrics.budgetRemaining.set(Math.max(0, remaining - accepted));
    deps.logger.info(
      { requests: requests.length, calls: plan.purges.length, held: plan.held.length, deduplicated: plan.deduplicated },
      'purge batch planned',
    );
    return requests.map((request) => outcomes.get(request.id) ?? new Error(`request ${request.id} missing from the plan`));
  };
}
