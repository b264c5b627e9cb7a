import { z } from 'zod';
import { AssetId } from './ids';

/**
 * The job catalog: every queue, the schema of its payload and its retry policy. Queue name and
 * job name are the same dotted, stable string. Payloads carry a `version` so jobs still waiting
 * in Redis survive a deploy; a processor refuses versions it does not know.
 */
export const queueNames = {
  validate: 'ingest.validate',
  optimize: 'ingest.optimize',
  deliver: 'ingest.deliver',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

const StageJob = z.object({ version: z.literal(1), assetId: AssetId });

export const ValidateJob = StageJob;
export type ValidateJob = z.infer<typeof ValidateJob>;
export const OptimizeJob = StageJob;
export type OptimizeJob = z.infer<typeof OptimizeJob>;
export const DeliverJob = StageJob;
export type DeliverJob = z.infer<typeof DeliverJob>;

export interface JobSpec<T extends z.ZodType> {
  queue: QueueName;
  schema: T;
  /** Total tries, the first included. */
  attempts: number;
  /** First retry delay; later ones grow exponentially with jitter. */
  backoffMs: number;
}

export const jobCatalog = {
  [queueNames.validate]: { queue: queueNames.validate, schema: ValidateJob, attempts: 5, backoffMs: 1_000 },
  [queueNames.optimize]: { queue: queueNames.optimize, schema: OptimizeJob, attempts: 5, backoffMs: 2_000 },
  [queueNames.deliver]: { queue: queueNames.deliver, schema: DeliverJob, attempts: 8, backoffMs: 2_000 },
} as const satisfies Record<QueueName, JobSpec<z.ZodType>>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobCatalog)[Q]['schema']>;

/** Job ids derive from the asset id, so enqueueing the same stage twice is a no-op. */
export function stageJobId(assetId: string, queue: QueueName): string {
  return `${assetId}-${queue.slice(queue.indexOf('.') + 1)}`;
}
