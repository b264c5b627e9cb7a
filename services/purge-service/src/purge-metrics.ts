import { Counter, Gauge, type Registry } from 'prom-client';
import type { PurgeBudget } from './purge-budget';

export interface PurgeMetrics {
  requests: Counter;
  deduplicated: Counter<'kind'>;
  wildcards: Counter;
  held: Counter;
  apiCalls: Counter<'outcome'>;
}

/**
 * The purge service's metrics. The budget gauge is read from Redis at scrape time, so it holds the
 * true value from the first scrape after a start (not 0 until a batch runs, which made
 * IngestkitPurgeBudgetLow fire after every restart of a quiet service) and follows what other
 * replicas spend and the turn of the month.
 */
export function createPurgeMetrics(registry: Registry, deps: { budget: Pick<PurgeBudget, 'remaining'> }): PurgeMetrics {
  const budgetRemaining = new Gauge({
    name: 'ingestkit_purge_budget_remaining',
    help: 'Purges left this UTC month, read from Redis at scrape time',
    registers: [registry],
    async collect() {
      // During a Redis outage the last value read stays: nothing can spend the budget meanwhile.
      const remaining = await deps.budget.remaining().catch(() => undefined);
      if (remaining !== undefined) this.set(remaining);
    },
  });
  // Unknown until Redis first answers: NaN, never below the alert's threshold, rather than
  // prom-client's default 0, which reads as "budget spent".
  budgetRemaining.set(Number.NaN);
  return {
    requests: new Counter({
      name: 'ingestkit_purge_requests_total',
      help: 'cdn.purge requests taken into a batch (a held or deferred request counts again each time it is planned)',
      registers: [registry],
    }),
    deduplicated: new Counter({
      name: 'ingestkit_purge_urls_deduplicated_total',
      help: 'Requests settled without a call of their own: a duplicate in the batch, or covered by a purge already in flight',
      labelNames: ['kind'],
      registers: [registry],
    }),
    wildcards: new Counter({
      name: 'ingestkit_purge_wildcards_total',
      help: 'Trailing-* purges the CDN accepted (each replaces several exact purges)',
      registers: [registry],
    }),
    held: new Counter({
      name: 'ingestkit_purge_held_total',
      help: 'Requests held because the monthly purge budget could not pay for them (they wait, never dropped)',
      registers: [registry],
    }),
    apiCalls: new Counter({
      name: 'ingestkit_purge_api_calls_total',
      help: 'Purge calls made to the CDN, by outcome (ok, rate_limited or error)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
