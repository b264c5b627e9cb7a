import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AssetId } from './ids';
import { ImageKitEvent } from './imagekit-events';
import { ImportId } from './imports';
import { Notification } from './notifications';
import { PrincipalRef } from './principals';
import { PurgeId, PurgeReason } from './purges';

/**
 * The job catalog: every queue, the schema of its payload and its retry policy. Queue name and
 * job name are the same dotted, stable string. Payloads carry a `version` so jobs still waiting
 * in Redis survive a deploy; a processor refuses versions it does not know.
 */
export const queueNames = {
  validate: 'ingest.validate',
  optimize: 'ingest.optimize',
  deliver: 'ingest.deliver',
  imagekitEvent: 'imagekit.event',
  purge: 'cdn.purge',
  notify: 'asset.notify',
  importList: 'import.list',
  erase: 'ingest.erase',
  imagekitSync: 'imagekit.sync',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** The queues of the ingest pipeline, which the ingest worker must cover, in pipeline order. */
export const ingestQueues = [queueNames.validate, queueNames.optimize, queueNames.deliver] as const;
export type IngestQueueName = (typeof ingestQueues)[number];

const StageJob = z.object({ version: z.literal(1), assetId: AssetId });

export const ValidateJob = StageJob;
export type ValidateJob = z.infer<typeof ValidateJob>;
export const OptimizeJob = StageJob;
export type OptimizeJob = z.infer<typeof OptimizeJob>;
export const DeliverJob = StageJob;
export type DeliverJob = z.infer<typeof DeliverJob>;
/** Removes what a deleted asset left: its outputs at the destination, staging, its kept original; purges its plain URLs. */
export const EraseJob = StageJob;
export type EraseJob = z.infer<typeof EraseJob>;

/** A verified, deduplicated ImageKit webhook event, applied to the registry by the webhook receiver. */
export const ImageKitEventJob = z.object({ version: z.literal(1), event: ImageKitEvent });
export type ImageKitEventJob = z.infer<typeof ImageKitEventJob>;

/** One URL to invalidate; the purge service batches and rate-limits these. */
export const PurgeJob = z.object({
  version: z.literal(1),
  url: z.url(),
  reason: PurgeReason,
  assetId: AssetId.optional(),
  /** The purge this URL belongs to (`GET /v1/purge/:id`); jobs without one are tracked only in metrics. */
  purgeId: PurgeId.optional(),
  /** Who caused the purge (an upload's API key or token); such purges spend that key's hourly allowance. */
  causedBy: PrincipalRef.optional(),
});
export type PurgeJob = z.infer<typeof PurgeJob>;

/** One notification to POST to `NOTIFY_URL`; its job id is the notification id. */
export const NotifyJob = z.object({ version: z.literal(1), notification: Notification });
export type NotifyJob = z.infer<typeof NotifyJob>;

/**
 * One listing page of a bucket import: the page lists up to 1000 objects after the import's
 * persisted continuation point (the last key listed), accepts each as a bucket job, saves the next point and adds the
 * next page's job. `page` must be the import's current page (a stale duplicate does nothing).
 */
export const ImportListJob = z.object({ version: z.literal(1), importId: ImportId, page: z.number().int().nonnegative() });
export type ImportListJob = z.infer<typeof ImportListJob>;

/**
 * Brings an ImageKit file's tags and custom metadata in line with its asset after an edit
 * (`asset.updated`, relayed from the registry's outbox). Reads the asset when it runs, so any
 * job of an asset pushes its latest tags; `revision` only tells the jobs of two edits apart.
 */
export const ImageKitSyncJob = z.object({ version: z.literal(1), assetId: AssetId, revision: z.number().int().nonnegative() });
export type ImageKitSyncJob = z.infer<typeof ImageKitSyncJob>;

export interface JobSpec<T extends z.ZodType> {
  queue: QueueName;
  schema: T;
  /** Total tries, the first included. */
  attempts: number;
  /** First retry delay; later ones grow exponentially with jitter. */
  backoffMs: number;
  /**
   * `false`: a finished job is removed at once (a failed one after an hour), so a job with the
   * same id can be added again later. Default: finished jobs are kept for inspection, and
   * re-adding their id is a no-op while they are.
   */
  keepFinished?: boolean;
  /**
   * `true`: the job does no image work, so it cannot be what kills the processes running it;
   * crashes of those processes (stalls) never fail it, only its own attempts do. Default: after
   * `WORKER_MAX_STALLS` stalls the job fails with `worker_lost` (a poisoned input must not loop).
   */
  survivesStalls?: boolean;
}

export const jobCatalog = {
  [queueNames.validate]: { queue: queueNames.validate, schema: ValidateJob, attempts: 5, backoffMs: 1_000 },
  [queueNames.optimize]: { queue: queueNames.optimize, schema: OptimizeJob, attempts: 5, backoffMs: 2_000 },
  [queueNames.deliver]: { queue: queueNames.deliver, schema: DeliverJob, attempts: 8, backoffMs: 2_000 },
  [queueNames.imagekitEvent]: {
    queue: queueNames.imagekitEvent,
    schema: ImageKitEventJob,
    attempts: 8,
    backoffMs: 1_000,
    survivesStalls: true,
  },
  // A URL is superseded again on every overwrite: once a purge ran, the next one must be addable.
  [queueNames.purge]: {
    queue: queueNames.purge,
    schema: PurgeJob,
    attempts: 10,
    backoffMs: 5_000,
    keepFinished: false,
    survivesStalls: true,
  },
  // 11 retries, 2 s doubling with jitter: a receiver may be down 35–70 minutes before one is given up on.
  // Lost to crashes never (found by the chaos suite: a notification stalled three times was dropped).
  [queueNames.notify]: { queue: queueNames.notify, schema: NotifyJob, attempts: 12, backoffMs: 2_000, survivesStalls: true },
  // Erasing does no image work; every step is safe to repeat (deleting what is gone is a no-op).
  [queueNames.erase]: { queue: queueNames.erase, schema: EraseJob, attempts: 10, backoffMs: 2_000, survivesStalls: true },
  // Listing does no image work; the gateway runs it (it owns admission: intake and backpressure).
  [queueNames.importList]: {
    queue: queueNames.importList,
    schema: ImportListJob,
    attempts: 10,
    backoffMs: 2_000,
    survivesStalls: true,
  },
  // No image work; finished jobs go at once (each edit has its own id anyway).
  [queueNames.imagekitSync]: {
    queue: queueNames.imagekitSync,
    schema: ImageKitSyncJob,
    attempts: 10,
    backoffMs: 2_000,
    keepFinished: false,
    survivesStalls: true,
  },
} as const satisfies Record<QueueName, JobSpec<z.ZodType>>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobCatalog)[Q]['schema']>;

/** Job ids derive from the asset id, so enqueueing the same stage twice is a no-op. */
export function stageJobId(assetId: string, queue: QueueName): string {
  return `${assetId}-${queue.slice(queue.indexOf('.') + 1)}`;
}

/** The job id of an ImageKit event: the event id itself when BullMQ accepts it as a custom id. */
export function imagekitEventJobId(eventId: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(eventId) && !/^\d+$/.test(eventId) ? eventId : `evt-${sha256(eventId).slice(0, 32)}`;
}

/** A purge job's id: one job per URL of a purge (or, untracked, per URL and reason). */
export function purgeJobId(url: string, reason: PurgeReason, purgeId?: string): string {
  return `purge-${sha256(`${purgeId ?? reason} ${url}`).slice(0, 32)}`;
}

/**
 * The deterministic job id of any payload, so adding the same job twice is a no-op: stage
 * jobs by asset, events by event id, purges by URL and reason, notifications by notification id.
 */
export function jobIdFor<Q extends QueueName>(queue: Q, payload: JobPayload<Q>): string {
  const data = payload as Partial<Record<'assetId' | 'url' | 'reason' | 'purgeId', string>> & {
    event?: { id: string };
    notification?: { id: string };
  };
  if (queue === queueNames.notify) return data.notification?.id ?? '';
  if (queue === queueNames.imagekitEvent) return imagekitEventJobId(data.event?.id ?? '');
  if (queue === queueNames.purge) return purgeJobId(data.url ?? '', data.reason as PurgeReason, data.purgeId);
  if (queue === queueNames.importList) return importListJobId(payload as ImportListJob);
  if (queue === queueNames.imagekitSync) return imagekitSyncJobId(payload as ImageKitSyncJob);
  return stageJobId(data.assetId ?? '', queue);
}

/** The job id of one listing page of an import: each page is its own job. */
export function importListJobId(job: Pick<ImportListJob, 'importId' | 'page'>): string {
  return `${job.importId}-p${job.page}`;
}

/** One sync job per edit (asset and revision): a later edit's job is added even while an earlier one runs. */
export function imagekitSyncJobId(job: Pick<ImageKitSyncJob, 'assetId' | 'revision'>): string {
  return `${job.assetId}-imagekit-sync-r${job.revision}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
