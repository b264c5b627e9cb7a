import { Counter, Histogram, type Registry } from 'prom-client';
import { isIngestError } from '@ingestkit/contracts';
import type { Destination } from './destination';

export interface DestinationMetrics {
  requests: Counter<'destination' | 'outcome'>;
  duration: Histogram<'destination'>;
}

export function createDestinationMetrics(registry: Registry): DestinationMetrics {
  return {
    requests: new Counter({
      name: 'ingestkit_destination_requests_total',
      help: 'Deliveries attempted per destination, by outcome (ok, error, rate_limited)',
      labelNames: ['destination', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ingestkit_destination_request_duration_seconds',
      help: 'Time one delivery took at its destination, whatever the outcome',
      labelNames: ['destination'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

/** The same destination, counting each delivery by outcome and timing it (the destination's health on the dashboard). */
export function instrumentDestination(destination: Destination, metrics: DestinationMetrics): Destination {
  const labels = { destination: destination.kind };
  return {
    kind: destination.kind,
    async deliver(input) {
      const stop = metrics.duration.startTimer(labels);
      try {
        const delivered = await destination.deliver(input);
        metrics.requests.inc({ ...labels, outcome: 'ok' });
        return delivered;
      } catch (err) {
        metrics.requests.inc({
          ...labels,
          outcome: isIngestError(err) && err.code === 'rate_limited' ? 'rate_limited' : 'error',
        });
        throw err;
      } finally {
        stop();
      }
    },
    // Removals are not deliveries: the delivery metrics stay about delivering.
    remove: (input) => destination.remove(input),
  };
}
