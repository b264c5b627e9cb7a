import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import { IngestError, jobCatalog, toIngestError, type JobPayload, type JobSpec, type QueueName } from '@ingestkit/contracts';
import type { z } from 'zod';
import type { StallSettings } from './config/fragments';
import type { Logger } from './logger';
import type { JobMetrics } from './metrics';
import { runStageAttempt, type AttemptPlan, type AttemptResult, type StageContext, type StageProcessor } from './stage-attempt';
import { createRunGate, type RunGate } from './run-gate';

export type { AttemptResult, StageContext, StageDeferral, StageProcessor } from './stage-attempt';

export interface StageWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
  metrics: JobMetrics;
  /** Lock and stall-check timings; defaults 30 s and 30 s, at most 2 stalls (tests shorten them). */
  stalls?: StallSettings;
  /**
   * Where jobs that stalled before wait to run alone: one gate per process, shared by every
   * worker of its image queues (a crash takes them down together), owned by the service that
   * starts them. Required for queues that do not survive stalls.
   */
  runGate?: RunGate;
}

/** The stall limit of jobs that survive stalls: in effect none (BullMQ needs a number). */
const SURVIVABLE_STALLS = 1_000_000;

/**
 * The options of a BullMQ worker of `queue` that concern stalls, for every consumer of the
 * catalog's queues: the worker's name (`host:pid`, recorded on every job it runs as
 * `processedBy`), the lock (renewed every half of it; a job whose lock lapses because its
 * process died or its event loop was stuck is put back by the next stall check) and the stall
 * limit: `WORKER_MAX_STALLS` (default 2), or none for jobs that survive stalls.
 */
export function stallOptionsFor(
  queue: QueueName,
  stalls?: StallSettings,
): Pick<WorkerOptions, 'name' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  const spec: JobSpec<z.ZodType> = jobCatalog[queue];
  return {
    name: `${hostname()}:${process.pid}`,
    lockDuration: stalls?.lockDurationMs ?? 30_000,
    stalledInterval: stalls?.stalledIntervalMs ?? 30_000,
    maxStalledCount: spec.survivesStalls === true ? SURVIVABLE_STALLS : (stalls?.maxStalledCount ?? 2),
  };
}

/** BullMQ's failedReason for a job that stalled more often than `maxStalledCount`. */
const STALLED_TOO_OFTEN = /stalled more than allowable limit/i;

/**
 * A BullMQ worker for one stage. Each job runs one attempt (`runStageAttempt`: parse, run,
 * classify), whose result is recorded (one log line, metrics) and then told to BullMQ
 * (`settle`): an error whose code is not retryable becomes `UnrecoverableError` (no further
 * attempts), a retryable one is rethrown so BullMQ retries with the catalog's backoff; a put-back
 * spends no attempt. Errors are never swallowed.
 */
export function createStageWorker<Q extends QueueName>(processor: StageProcessor<Q>, deps: StageWorkerDeps): Worker {
  const spec: JobSpec<z.ZodType> = jobCatalog[processor.queue];
  // Jobs that do no image work cannot be what kills a process: stalls never fail them, nor make them suspects.
  const survivesStalls = spec.survivesStalls === true;
  if (!survivesStalls && !deps.runGate) {
    throw new Error(`the ${processor.queue} worker needs its process's run gate (StageWorkerDeps.runGate)`);
  }
  const plan: AttemptPlan<Q> = { processor, spec, survivesStalls, runGate: deps.runGate ?? createRunGate() };
  // The queue's job counter exists at 0 from start-up, so its panels read 0 on an idle system
  // rather than "No data" (which cannot be told apart from a worker that is not scraped).
  deps.metrics.processed.inc({ queue: processor.queue, outcome: 'completed', code: '' }, 0);
  const worker: Worker = new Worker(
    processor.queue,
    async (job: Job, token?: string) => {
      const started = performance.now();
      const attempts = job.opts.attempts ?? spec.attempts;
      const logger = deps.logger.child({ queue: processor.queue, jobId: job.id, attempt: job.attemptsMade + 1 });
      const context: StageContext = { job, logger, isLastAttempt: job.attemptsMade + 1 >= attempts };
      const result = await runStageAttempt(plan, job, context);
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.processed.inc({ queue: processor.queue, outcome: result.outcome, code: 'code' in result ? result.code : '' });
      deps.metrics.duration.observe({ queue: processor.queue, outcome: result.outcome }, seconds);
      await settle(worker, job, token, result, logger, Math.round(seconds * 1000));
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      autorun: false,
      ...stallOptionsFor(processor.queue, deps.stalls),
    },
  );
  // Jobs that survive stalls run beside suspects; the others pause while one is pending here.
  if (!plan.survivesStalls) {
    const detach = plan.runGate.attach(worker);
    worker.on('closing', detach);
  }
  worker.on('failed', (job, err) => recordStalledTooOften(plan, deps, job, err));
  return worker;
}

/** Tells BullMQ how the attempt ended: return (completed), a put-back signal, or the error. */
async function settle(
  worker: Worker,
  job: Job,
  token: string | undefined,
  result: AttemptResult,
  logger: Logger,
  durationMs: number,
): Promise<void> {
  switch (result.outcome) {
    case 'completed':
      logger.info({ durationMs }, 'job completed');
      return;
    case 'deferred':
      if (result.reason === 'suspect_running')
        logger.debug('a suspect job runs alone in this process; job handed back to the queue');
      await job.moveToDelayed(Date.now() + result.delayMs, token);
      throw new DelayedError();
    case 'rate_limited':
      // The destination asked us to wait: pause this queue for every worker until its reset
      // time and put the job back without spending an attempt.
      logger.info({ retryAfterMs: result.retryAfterMs }, 'rate limited by the destination; queue paused until reset');
      await worker.rateLimit(result.retryAfterMs);
      throw Worker.RateLimitError();
    default: {
      const { error } = result;
      logger.warn({ code: error.code, err: error.message, outcome: result.outcome, durationMs }, 'job attempt failed');
      if (!error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }
}

/**
 * A job that keeps killing its worker (a poisoned input) is failed by BullMQ's stall check in
 * whichever worker notices, without running the processor: its final failure is recorded here,
 * so the asset ends `failed` with `worker_lost` instead of staying in its stage forever.
 */
function recordStalledTooOften<Q extends QueueName>(
  plan: AttemptPlan<Q>,
  deps: StageWorkerDeps,
  job: Job | undefined,
  err: Error,
): void {
  if (!job || !STALLED_TOO_OFTEN.test(err.message)) return;
  const { processor } = plan;
  const logger = deps.logger.child({ queue: processor.queue, jobId: job.id });
  const error = new IngestError('worker_lost', 'the worker running this job died or hung too many times', {
    details: { stalls: (deps.stalls?.maxStalledCount ?? 2) + 1 },
  });
  deps.metrics.processed.inc({ queue: processor.queue, outcome: 'failed', code: error.code });
  const parsed = plan.spec.schema.safeParse(job.data);
  if (!parsed.success || !processor.onFinalFailure) return;
  logger.warn({ code: error.code }, 'job failed after stalling too often');
  processor
    .onFinalFailure(parsed.data as JobPayload<Q>, error, { job, logger, isLastAttempt: true })
    .catch((recordErr: unknown) => logger.error({ err: toIngestError(recordErr).message }, 'could not record the final failure'));
}
