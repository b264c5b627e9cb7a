import { Counter, Gauge, type Registry } from 'prom-client';

export interface PurgeMetrics {
  requests: Counter;
  deduplicated: Counter<'kind'>;
  wildcards: Counter;
  held: Counter;
  apiCalls: Counter<'outcome'>;
  budgetRemaining: Gauge;
}

export function createPurgeMetrics(registry: Registry): PurgeMetrics {
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
    budgetRemaining: new Gauge({
      name: 'ingestkit_purge_budget_remaining',
      help: 'Purges left this UTC month, as of the last batch',
      registers: [registry],
    }),
  };
}
