import { Counter, Gauge, type Registry } from 'prom-client';

export interface PurgeMetrics {
  requests: Counter;
  apiCalls: Counter<'outcome'>;
  budgetRemaining: Gauge;
}

export function createPurgeMetrics(registry: Registry): PurgeMetrics {
  return {
    requests: new Counter({
      name: 'ingestkit_purge_requests_total',
      help: 'cdn.purge requests taken into a batch (a held request counts again each time it is retried)',
      registers: [registry],
    }),
    apiCalls: new Counter({
      name: 'ingestkit_purge_api_calls_total',
      help: 'Purge calls made to the CDN, by outcome (ok or error)',
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
