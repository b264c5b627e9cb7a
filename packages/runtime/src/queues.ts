import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { jobCatalog, jobIdFor, queueNames, type JobPayload, type JobSpec, type QueueName } from '@ingestkit/contracts';
import type { z } from 'zod';

/** Completed jobs are kept a day (at most 10k), failed ones a week (at most 50k), for inspection. */
export const retention = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
} as const satisfies JobsOptions;

/** Job options of a queue, from the catalog: attempts, exponential backoff with jitter, retention. */
export function jobOptionsFor(queue: QueueName): JobsOptions {
  const spec: JobSpec<z.ZodType> = jobCatalog[queue];
  return {
    attempts: spec.attempts,
    backoff: { type: 'exponential', delay: spec.backoffMs, jitter: 0.5 },
    ...(spec.keepFinished === false ? { removeOnComplete: true, removeOnFail: { age: 3600, count: 10_000 } } : retention),
  };
}

export interface QueueDeps {
  connection: ConnectionOptions;
  prefix: string;
  /** Overrides the catalog's job options; for tests that must exhaust retries in milliseconds. */
  jobOptions?: JobsOptions;
}

export function createQueue<Q extends QueueName>(name: Q, deps: QueueDeps): Queue<JobPayload<Q>> {
  const queue = new Queue<JobPayload<Q>>(name, {
    connection: deps.connection,
    prefix: deps.prefix,
    defaultJobOptions: { ...jobOptionsFor(name), ...deps.jobOptions },
  });
  // A Queue re-emits its connection's errors; an 'error' event without a listener would crash
  // the process during a Redis outage. createRedis already logs them (once per 10 s).
  queue.on('error', () => {});
  return queue;
}

/**
 * Adds a job to its queue. The payload is parsed against the catalog before it is written, and
 * the job id derives from it (`jobIdFor`: the asset id for stages), so adding it twice is a no-op.
 */
export async function enqueueStage<T extends JobPayload<QueueName>>(queue: Queue<T>, payload: T): Promise<void> {
  const name = queue.name as QueueName;
  const parsed: JobPayload<QueueName> = jobCatalog[name].schema.parse(payload);
  // BullMQ's typings narrow job names to string literals of the data type; ours is the queue name.
  await (queue as unknown as Queue).add(name, parsed, { jobId: jobIdFor(name, parsed) });
}

/** The three ingest queues, for producers that may enqueue any stage (intake, retries). */
export interface IngestQueues {
  validate: Queue;
  optimize: Queue;
  deliver: Queue;
}

export function createIngestQueues(deps: QueueDeps): IngestQueues {
  const queues = {
    validate: createQueue(queueNames.validate, deps),
    optimize: createQueue(queueNames.optimize, deps),
    deliver: createQueue(queueNames.deliver, deps),
  };
  return queues as unknown as IngestQueues;
}

/** Closes every queue of a set. */
export async function closeQueues(queues: IngestQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue: Queue) => queue.close()));
}
