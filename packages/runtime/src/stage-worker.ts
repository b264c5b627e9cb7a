import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import { IngestError, jobCatalog, toIngestError, type JobPayload, type JobSpec, type QueueName } from '@ingestkit/contracts';
import type { z } from 'zod';
import type { StallSettings } from './config/fragments';
import type { Logger } from './logger';
import type { JobMetrics, JobOutcome } from './metrics';
import { processRunGate, type RunGate } from './run-gate';

export interface StageContext {
  job: Job;
  logger: Logger;
  /** True when this is the last attempt the catalog allows. */
  isLastAttempt: boolean;
}

/**
 * What a processor may ask for instead of completing: put the job back for `deferMs` without
 * spending an attempt (metric outcome `deferred`), e.g. a purge held until the budget allows it.
 */
export interface StageDeferral {
  deferMs: number;
}

export interface StageProcessor<Q extends QueueName> {
  queue: Q;
  /** Runs one attempt; resolves to complete the job, or with a {@link StageDeferral} to put it back. */
  process(payload: JobPayload<Q>, context: StageContext): Promise<void | StageDeferral>;
  /**
   * Called once when the job will not run again (permanent error or last attempt), before the
   * error is rethrown to BullMQ; typically marks the asset `rejected` or `failed`. Runs inside
   * the job, so a crash here means the job is retried, not that the failure goes unrecorded.
   */
  onFinalFailure?(payload: JobPayload<Q>, error: IngestError, context: StageContext): Promise<void>;
}

export interface StageWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
  metrics: JobMetrics;
  /** Lock and stall-check timings; defaults 30 s and 30 s, at most 2 stalls (tests shorten them). */
  stalls?: StallSettings;
  /** Where jobs that stalled before wait to run alone; default the process's (tests model several processes in one). */
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

/** How long a job handed back by the run gate waits before a worker may take it again. */
const DEFERRED_JOB_DELAY_MS = 1_000;

/** BullMQ's failedReason for a job that stalled more often than `maxStalledCount`. */
const STALLED_TOO_OFTEN = /stalled more than allowable limit/i;

/**
 * A BullMQ worker for one stage. It parses the payload against the catalog, logs one line per
 * attempt with the asset id and duration, records metrics, and maps errors: an `IngestError`
 * whose code is not retryable becomes `UnrecoverableError` (no further attempts), anything
 * else is rethrown so BullMQ retries with the catalog's backoff. Errors are never swallowed.
 */
export function createStageWorker<Q extends QueueName>(processor: StageProcessor<Q>, deps: StageWorkerDeps): Worker {
  const spec: JobSpec<z.ZodType> = jobCatalog[processor.queue];
  // Jobs that do no image work cannot be what kills a process: stalls never fail them, nor make them suspects.
  const survivesStalls = spec.survivesStalls === true;
  const runGate = deps.runGate ?? processRunGate;
  // The queue's job counter exists at 0 from start-up, so its panels read 0 on an idle system
  // rather than "No data" (which cannot be told apart from a worker that is not scraped).
  deps.metrics.processed.inc({ queue: processor.queue, outcome: 'completed', code: '' }, 0);
  const worker: Worker = new Worker(
    processor.queue,
    async (job: Job, token?: string) => {
      const started = performance.now();
      const attempts = job.opts.attempts ?? spec.attempts;
      const isLastAttempt = job.attemptsMade + 1 >= attempts;
      const logger = deps.logger.child({ queue: processor.queue, jobId: job.id, attempt: job.attemptsMade + 1 });
      const context: StageContext = { job, logger, isLastAttempt };
      let outcome = 'completed' as JobOutcome;
      let code = '';
      try {
        const parsed = spec.schema.safeParse(job.data);
        if (!parsed.success) {
          throw new IngestError('bad_request', `invalid ${processor.queue} payload: ${parsed.error.message}`);
        }
        const payload = parsed.data as JobPayload<Q>;
        const { assetId } = payload as { assetId?: string };
        if (assetId !== undefined) logger.setBindings({ assetId });
        let ran: 'ran' | 'deferred';
        // Typed by assertion: it is set inside `attempt`, which control-flow analysis does not follow.
        let deferral = undefined as StageDeferral | undefined;
        const attempt = async () => {
          deferral = (await processor.process(payload, context)) ?? undefined;
        };
        try {
          if (survivesStalls) {
            await attempt();
            ran = 'ran';
          } else {
            // A job that was running when a worker died may be what killed it: it runs alone.
            const suspect = job.stalledCounter > 0;
            if (suspect) logger.warn({ stalls: job.stalledCounter }, 'job stalled before; running it alone in this process');
            ran = await runGate.run(suspect, attempt);
          }
        } catch (err) {
          const error = toIngestError(err);
          code = error.code;
          const retryAfterMs = rateLimitDelay(error);
          if (retryAfterMs !== undefined) {
            // The destination asked us to wait: pause this queue for every worker until its reset
            // time and put the job back without spending an attempt.
            outcome = 'rate_limited';
            logger.info({ retryAfterMs }, 'rate limited by the destination; queue paused until reset');
            await worker.rateLimit(retryAfterMs);
            throw Worker.RateLimitError();
          }
          const isFinal = !error.retryable || isLastAttempt;
          outcome = !error.retryable ? 'rejected' : isFinal ? 'failed' : 'retry';
          if (isFinal) await processor.onFinalFailure?.(payload, error, context);
          throw error;
        }
        if (ran === 'deferred' || deferral) {
          // A suspect job runs alone in this process: hand this one back for another process to
          // take. Or the processor asked to be put back later.
          outcome = 'deferred';
          if (ran === 'deferred') logger.debug('a suspect job runs alone in this process; job handed back to the queue');
          await job.moveToDelayed(Date.now() + (deferral ? deferral.deferMs : DEFERRED_JOB_DELAY_MS), token);
          throw new DelayedError();
        }
      } catch (err) {
        // Put back without spending an attempt: BullMQ's own signal errors pass through as they are.
        if (outcome === 'rate_limited' || outcome === 'deferred') throw err;
        const error = toIngestError(err);
        if (outcome === 'completed') {
          // The payload itself was bad, or onFinalFailure threw.
          code = error.code;
          outcome = error.retryable && !isLastAttempt ? 'retry' : 'failed';
        }
        logger.warn({ code: error.code, err: error.message, outcome, durationMs: ms(started) }, 'job attempt failed');
        if (!error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        throw error;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        deps.metrics.processed.inc({ queue: processor.queue, outcome, code });
        deps.metrics.duration.observe({ queue: processor.queue, outcome }, seconds);
      }
      logger.info({ durationMs: ms(started) }, 'job completed');
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
  if (!survivesStalls) {
    const detach = runGate.attach(worker);
    worker.on('closing', detach);
  }
  // A job that keeps killing its worker (a poisoned input) is failed by BullMQ's stall check in
  // whichever worker notices, without running the processor: record its final failure here, so
  // the asset ends `failed` with `worker_lost` instead of staying in its stage forever.
  worker.on('failed', (job, err) => {
    if (!job || !STALLED_TOO_OFTEN.test(err.message)) return;
    const logger = deps.logger.child({ queue: processor.queue, jobId: job.id });
    const error = new IngestError('worker_lost', 'the worker running this job died or hung too many times', {
      details: { stalls: (deps.stalls?.maxStalledCount ?? 2) + 1 },
    });
    deps.metrics.processed.inc({ queue: processor.queue, outcome: 'failed', code: error.code });
    const parsed = spec.schema.safeParse(job.data);
    if (!parsed.success || !processor.onFinalFailure) return;
    logger.warn({ code: error.code }, 'job failed after stalling too often');
    processor
      .onFinalFailure(parsed.data as JobPayload<Q>, error, { job, logger, isLastAttempt: true })
      .catch((recordErr: unknown) =>
        logger.error({ err: toIngestError(recordErr).message }, 'could not record the final failure'),
      );
  });
  return worker;
}

/** The wait a `rate_limited` error asks for (from the server's reset time), capped at 15 minutes. */
function rateLimitDelay(error: IngestError): number | undefined {
  const ms = error.details?.retryAfterMs;
  if (error.code !== 'rate_limited' || typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(Math.ceil(ms), 1), 15 * 60_000);
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}
