import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry } from 'prom-client';

/**
 * One registry per service process. Our own metrics carry the `ingestkit_` prefix and base
 * units; prom-client's process defaults keep their standard names (`process_*`, `nodejs_*`)
 * so stock dashboards work. Labels are bounded: never ids, URLs or file names.
 */
export function createMetricsRegistry(options: { service: string; defaultMetrics?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_class'>;
  duration: Histogram<'method' | 'route'>;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  return {
    requests: new Counter({
      name: 'ingestkit_http_requests_total',
      help: 'HTTP requests by route template and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ingestkit_http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

/**
 * Job outcome: done, will retry, failed for good (retries exhausted), rejected (permanent), or
 * put back without spending an attempt: because the destination rate-limited us, or because a
 * suspect job runs alone in this process (`deferred`, see run-gate.ts).
 */
export type JobOutcome = 'completed' | 'retry' | 'failed' | 'rejected' | 'rate_limited' | 'deferred';

export interface JobMetrics {
  processed: Counter<'queue' | 'outcome' | 'code'>;
  duration: Histogram<'queue' | 'outcome'>;
}

export function createJobMetrics(registry: Registry): JobMetrics {
  return {
    processed: new Counter({
      name: 'ingestkit_jobs_processed_total',
      help: 'Jobs processed by queue, outcome and error code (empty when completed)',
      labelNames: ['queue', 'outcome', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ingestkit_job_duration_seconds',
      help: 'Time spent in one job attempt',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
