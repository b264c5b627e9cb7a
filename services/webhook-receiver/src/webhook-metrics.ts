import { Counter, type Registry } from 'prom-client';

/** Why a delivery was answered as it was; bounded, used as a label. */
export type DeliveryOutcome =
  | 'accepted'
  | 'duplicate'
  | 'missing_headers'
  | 'malformed_header'
  | 'signature_mismatch'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_request'
  | 'unavailable';

export interface WebhookMetrics {
  deliveries: Counter<'outcome'>;
  duplicates: Counter;
  events: Counter<'type' | 'action'>;
}

/** Known ImageKit event types; anything else is counted as `other` so the label stays bounded. */
const knownTypes = new Set([
  'file.created',
  'file.updated',
  'file.deleted',
  'file-version.created',
  'file-version.deleted',
  'upload.pre-transform.success',
  'upload.pre-transform.error',
  'upload.post-transform.success',
  'upload.post-transform.error',
  'video.transformation.accepted',
  'video.transformation.ready',
  'video.transformation.error',
]);

export function eventTypeLabel(type: string): string {
  return knownTypes.has(type) ? type : 'other';
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  return {
    deliveries: new Counter({
      name: 'ingestkit_webhook_deliveries_total',
      help: 'ImageKit webhook deliveries by verification outcome (accepted, duplicate, or why they were refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'ingestkit_webhook_duplicates_total',
      help: 'ImageKit webhook deliveries of an event id already accepted (acknowledged, not enqueued again)',
      registers: [registry],
    }),
    events: new Counter({
      name: 'ingestkit_webhook_events_processed_total',
      help: 'ImageKit events applied to the registry, by event type and what was done',
      labelNames: ['type', 'action'],
      registers: [registry],
    }),
  };
}
