import { Counter, type Registry } from 'prom-client';

export type TusEvent = 'created' | 'resumed' | 'completed' | 'expired';

/** `ingestkit_tus_uploads_total{event}`: tus uploads created, resumed (a PATCH past 0 after a HEAD), completed, expired. */
export function createTusMetrics(registry: Registry) {
  const uploads = new Counter({
    name: 'ingestkit_tus_uploads_total',
    help: 'Resumable (tus) uploads by event: created, resumed, completed, expired',
    labelNames: ['event'],
    registers: [registry],
  });
  return { count: (event: TusEvent) => uploads.inc({ event }) };
}

export type TusMetrics = ReturnType<typeof createTusMetrics>;
