/**
 * Every metric family the ingestkit services export: name, type, labels, which services export
 * it and, for labels with a closed set of values, those values. The Grafana dashboard and the
 * Prometheus rules may only query families listed here (deploy/test checks it), and a scrape of
 * the real services is checked against the same list, so this file is the contract between the
 * code and the operations artefacts. Every series also carries `service` (the registry's default
 * label); it is listed in `labels` so that a scrape can be compared label for label.
 */

export type ServiceName = 'upload-gateway' | 'ingest-worker' | 'webhook-receiver' | 'purge-service';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  /** Family name as exposed (counters include `_total`; histograms without `_bucket/_sum/_count`). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Label names, `service` included; histograms' `le` is implied and not listed. */
  readonly labels: readonly string[];
  /** Services expected to export the family. */
  readonly services: readonly ServiceName[];
  /** Closed value sets of bounded labels; a label not listed here is bounded by the code that sets it. */
  readonly labelValues?: Readonly<Record<string, readonly string[]>>;
  /** `ingestkit` for our own families, `default` for prom-client's process and Node.js metrics. */
  readonly origin: 'ingestkit' | 'default';
}

export const allServices = ['upload-gateway', 'ingest-worker', 'webhook-receiver', 'purge-service'] as const;

export const queueNames = [
  'ingest.validate',
  'ingest.optimize',
  'ingest.deliver',
  'imagekit.event',
  'cdn.purge',
  'asset.notify',
  'import.list',
  'ingest.erase',
  'imagekit.sync',
] as const;

export const jobOutcomes = ['completed', 'retry', 'failed', 'rejected', 'rate_limited', 'deferred'] as const;
export const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
export const destinations = ['local', 's3', 'imagekit'] as const;
export const webhookOutcomes = [
  'accepted',
  'duplicate',
  'missing_headers',
  'malformed_header',
  'signature_mismatch',
  'stale_timestamp',
  'future_timestamp',
  'bad_request',
  'unavailable',
] as const;

/** Services that run BullMQ processors through the runtime's stage worker (job metrics). */
// The gateway runs `import.list` (bucket import listing pages) as a catalog job.
const jobServices: readonly ServiceName[] = ['ingest-worker', 'webhook-receiver', 'purge-service', 'upload-gateway'];
/**
 * Services that report queue depth, each for the queues it consumes: the ingest worker
 * (ingest.*, ingest.erase, asset.notify), the webhook receiver (imagekit.event), the purge service (cdn.purge).
 * The rules combine them with `max by (queue)`, so a queue reported twice is counted once.
 */
const queueServices: readonly ServiceName[] = ['ingest-worker', 'webhook-receiver', 'purge-service', 'upload-gateway'];

const ingestkitMetrics: readonly MetricDefinition[] = [
  {
    name: 'ingestkit_http_requests_total',
    type: 'counter',
    help: 'HTTP requests by route template and status class',
    labels: ['service', 'method', 'route', 'status_class'],
    services: allServices,
    labelValues: { status_class: ['1xx', '2xx', '3xx', '4xx', '5xx'] },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration by route template',
    labels: ['service', 'method', 'route'],
    services: allServices,
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_jobs_processed_total',
    type: 'counter',
    help: 'Jobs processed by queue, outcome and error code (empty when completed)',
    labels: ['service', 'queue', 'outcome', 'code'],
    services: jobServices,
    labelValues: { queue: queueNames, outcome: jobOutcomes },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_job_duration_seconds',
    type: 'histogram',
    help: 'Time spent in one job attempt',
    labels: ['service', 'queue', 'outcome'],
    services: jobServices,
    labelValues: { queue: queueNames, outcome: jobOutcomes },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_queue_jobs',
    type: 'gauge',
    help: 'Jobs in each queue by state, read at scrape time',
    labels: ['service', 'queue', 'state'],
    services: queueServices,
    labelValues: { queue: queueNames, state: queueStates },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_queue_oldest_job_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest job waiting or delayed in each queue (0 when empty), read at scrape time',
    labels: ['service', 'queue'],
    services: queueServices,
    labelValues: { queue: queueNames },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_asset_ready_latency_seconds',
    type: 'histogram',
    help: 'Time from upload accepted to asset ready',
    labels: ['service', 'destination'],
    services: ['ingest-worker'],
    labelValues: { destination: destinations },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_asset_bytes_total',
    type: 'counter',
    help: 'Original bytes in and delivered bytes out (savings = 1 - out/in)',
    labels: ['service', 'direction', 'destination'],
    services: ['ingest-worker'],
    labelValues: { direction: ['in', 'out'], destination: destinations },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_upload_bytes_total',
    type: 'counter',
    help: 'Bytes received by the gateway on uploads',
    labels: ['service'],
    services: ['upload-gateway'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_tus_uploads_total',
    type: 'counter',
    help: 'Resumable (tus) uploads by event: created, resumed, completed, expired',
    labels: ['service', 'event'],
    services: ['upload-gateway'],
    labelValues: { event: ['created', 'resumed', 'completed', 'expired'] },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_upload_rejections_total',
    type: 'counter',
    help: 'Uploads refused by the gateway, by error code',
    labels: ['service', 'code'],
    services: ['upload-gateway'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_destination_requests_total',
    type: 'counter',
    help: 'Calls to a destination API by outcome',
    labels: ['service', 'destination', 'outcome'],
    services: ['ingest-worker'],
    labelValues: { destination: destinations, outcome: ['ok', 'error', 'rate_limited'] },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_destination_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of calls to a destination API',
    labels: ['service', 'destination'],
    services: ['ingest-worker'],
    labelValues: { destination: destinations },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_webhook_deliveries_total',
    type: 'counter',
    help: 'ImageKit webhook deliveries by verification outcome',
    labels: ['service', 'outcome'],
    services: ['webhook-receiver'],
    labelValues: { outcome: webhookOutcomes },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_webhook_duplicates_total',
    type: 'counter',
    help: 'ImageKit webhook deliveries of an event id already accepted',
    labels: ['service'],
    services: ['webhook-receiver'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_webhook_events_processed_total',
    type: 'counter',
    help: 'ImageKit events applied to the registry, by event type and what was done',
    labels: ['service', 'type', 'action'],
    services: ['webhook-receiver'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_requests_total',
    type: 'counter',
    help: 'cdn.purge requests taken into a batch',
    labels: ['service'],
    services: ['purge-service'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_urls_deduplicated_total',
    type: 'counter',
    help: 'Requests settled without a call of their own',
    labels: ['service', 'kind'],
    services: ['purge-service'],
    labelValues: { kind: ['duplicate', 'in_flight'] },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_wildcards_total',
    type: 'counter',
    help: 'Trailing-* purges the CDN accepted',
    labels: ['service'],
    services: ['purge-service'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_held_total',
    type: 'counter',
    help: 'Requests held because the monthly purge budget could not pay for them',
    labels: ['service'],
    services: ['purge-service'],
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_api_calls_total',
    type: 'counter',
    help: 'Purge calls made to the CDN, by outcome',
    labels: ['service', 'outcome'],
    services: ['purge-service'],
    labelValues: { outcome: ['ok', 'rate_limited', 'error'] },
    origin: 'ingestkit',
  },
  {
    name: 'ingestkit_purge_budget_remaining',
    type: 'gauge',
    help: 'Purges left this UTC month, read from Redis at scrape time (NaN until Redis first answers)',
    labels: ['service'],
    services: ['purge-service'],
    origin: 'ingestkit',
  },
];

/** prom-client's collectDefaultMetrics (v15), exported by every service. */
const defaultMetrics: readonly MetricDefinition[] = (
  [
    ['process_cpu_user_seconds_total', 'counter'],
    ['process_cpu_system_seconds_total', 'counter'],
    ['process_cpu_seconds_total', 'counter'],
    ['process_start_time_seconds', 'gauge'],
    ['process_resident_memory_bytes', 'gauge'],
    ['process_virtual_memory_bytes', 'gauge'],
    ['process_heap_bytes', 'gauge'],
    ['process_open_fds', 'gauge'],
    ['process_max_fds', 'gauge'],
    ['nodejs_eventloop_lag_seconds', 'gauge'],
    ['nodejs_eventloop_lag_min_seconds', 'gauge'],
    ['nodejs_eventloop_lag_max_seconds', 'gauge'],
    ['nodejs_eventloop_lag_mean_seconds', 'gauge'],
    ['nodejs_eventloop_lag_stddev_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p50_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p90_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ['nodejs_active_resources', 'gauge', ['type']],
    ['nodejs_active_resources_total', 'gauge'],
    ['nodejs_active_handles', 'gauge', ['type']],
    ['nodejs_active_handles_total', 'gauge'],
    ['nodejs_active_requests', 'gauge', ['type']],
    ['nodejs_active_requests_total', 'gauge'],
    ['nodejs_heap_size_total_bytes', 'gauge'],
    ['nodejs_heap_size_used_bytes', 'gauge'],
    ['nodejs_external_memory_bytes', 'gauge'],
    ['nodejs_heap_space_size_total_bytes', 'gauge', ['space']],
    ['nodejs_heap_space_size_used_bytes', 'gauge', ['space']],
    ['nodejs_heap_space_size_available_bytes', 'gauge', ['space']],
    ['nodejs_version_info', 'gauge', ['version', 'major', 'minor', 'patch']],
    ['nodejs_gc_duration_seconds', 'histogram', ['kind']],
  ] as const
).map(([name, type, labels = []]) => ({
  name,
  type,
  help: 'prom-client default metric',
  labels: ['service', ...labels],
  services: allServices,
  origin: 'default',
}));

/** The catalog: our families first, then prom-client's defaults. */
export const metricsCatalog: readonly MetricDefinition[] = [...ingestkitMetrics, ...defaultMetrics];

const histogramSuffixes = ['_bucket', '_sum', '_count'] as const;

/**
 * The catalog entry a sample or query name belongs to: the family itself, or a histogram's
 * `_bucket`, `_sum` or `_count` series. `undefined` when the services export no such series.
 */
export function findMetric(seriesName: string): MetricDefinition | undefined {
  const exact = metricsCatalog.find((metric) => metric.name === seriesName);
  if (exact) return exact;
  for (const suffix of histogramSuffixes) {
    if (!seriesName.endsWith(suffix)) continue;
    const family = metricsCatalog.find((metric) => metric.name === seriesName.slice(0, -suffix.length));
    if (family?.type === 'histogram') return family;
  }
  return undefined;
}
