import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import {
  ingestQueues,
  jobCatalog,
  jobIdFor,
  queueNames,
  type JobPayload,
  type JobSpec,
  type QueueName,
} from '@ingestkit/contracts';
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
 * the job id derives from it (`jobIdFor`: the asset id for stages), so adding it twice while it
 * waits or runs is a no-op.
 *
 * An ingest stage whose job already finished (completed or failed, kept for inspection) is
 * asked for again when the asset must go through it again: a retry, or a previous stage that
 * ran a second time after a crash. `add` would silently keep the finished job and the asset
 * would wait for ever (found by the chaos suite), so the finished job is replaced by a fresh
 * one (new attempts, no stalls counted). Running a stage again is safe: each stage starts by
 * moving the asset from the status before it, and does nothing when the asset is elsewhere.
 */
export async function enqueueStage<T extends JobPayload<QueueName>>(
  queue: Queue<T>,
  payload: T,
  /** `priority`: BullMQ's (larger runs later; jobs without one run before every prioritized job). */
  options: { priority?: number } = {},
): Promise<void> {
  const name = queue.name as QueueName;
  const parsed: JobPayload<QueueName> = jobCatalog[name].schema.parse(payload);
  const jobId = jobIdFor(name, parsed);
  if ((ingestQueues as readonly QueueName[]).includes(name)) {
    // One round trip on the usual path (no such job): the state, 'unknown' when absent.
    const state = await queue.getJobState(jobId);
    // Another producer may replace it at the same moment: then `remove` finds nothing to do.
    if (state === 'completed' || state === 'failed') await queue.remove(jobId).catch(() => undefined);
  }
  // BullMQ's typings narrow job names to string literals of the data type; ours is the queue name.
  await (queue as unknown as Queue).add(name, parsed, { jobId, ...options });
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
