import type { Job } from 'bullmq';
import { IngestError, toIngestError, type JobPayload, type JobSpec, type QueueName } from '@ingestkit/contracts';
import type { z } from 'zod';
import type { Logger } from './logger';
import type { JobOutcome } from './metrics';
import type { RunGate } from './run-gate';

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

/** How long a job handed back by the run gate waits before a worker may take it again. */
const DEFERRED_JOB_DELAY_MS = 1_000;

/**
 * What one attempt came to, and so what BullMQ is told: `completed`; put back without spending
 * an attempt (`deferred` after `delayMs`, or `rate_limited` with the queue paused for
 * `retryAfterMs`); or failed with `error` (`retry` while attempts remain, `failed` or `rejected`
 * when the job will not run again).
 */
export type AttemptResult =
  | { outcome: 'completed' }
  | { outcome: 'deferred'; delayMs: number; reason: 'suspect_running' | 'asked' }
  | { outcome: 'rate_limited'; code: string; retryAfterMs: number }
  | { outcome: Extract<JobOutcome, 'retry' | 'failed' | 'rejected'>; code: string; error: IngestError };

/** Everything one attempt needs, beside the job. */
export interface AttemptPlan<Q extends QueueName> {
  processor: StageProcessor<Q>;
  spec: JobSpec<z.ZodType>;
  /** Jobs that survive stalls run beside suspects; the others go through the gate. */
  survivesStalls: boolean;
  runGate: RunGate;
}

/**
 * One attempt of a job, in named steps: parse the payload against the catalog, run the
 * processor (alone in this process when the job stalled before), then classify how it ended.
 * A job that will not run again has its final failure recorded here (`onFinalFailure`), inside
 * the job: if recording throws, that error is the attempt's, so the job is retried.
 */
export async function runStageAttempt<Q extends QueueName>(
  plan: AttemptPlan<Q>,
  job: Job,
  context: StageContext,
): Promise<AttemptResult> {
  const payload = parsePayload(plan, job, context);
  if (payload instanceof IngestError) return failure(payload, context);
  let ran: 'ran' | 'deferred';
  let deferral: StageDeferral | undefined;
  try {
    ({ ran, deferral } = await runProcessor(plan, payload, job, context));
  } catch (err) {
    const error = toIngestError(err);
    const retryAfterMs = rateLimitDelay(error);
    if (retryAfterMs !== undefined) return { outcome: 'rate_limited', code: error.code, retryAfterMs };
    const result = failure(error, context);
    if (result.outcome !== 'retry') await recordFinalFailure(plan, payload, result, context);
    return result;
  }
  if (ran === 'deferred') return { outcome: 'deferred', delayMs: DEFERRED_JOB_DELAY_MS, reason: 'suspect_running' };
  if (deferral) return { outcome: 'deferred', delayMs: deferral.deferMs, reason: 'asked' };
  return { outcome: 'completed' };
}

/** The payload as the catalog's schema reads it, or the `bad_request` it cannot be. */
function parsePayload<Q extends QueueName>(plan: AttemptPlan<Q>, job: Job, context: StageContext): JobPayload<Q> | IngestError {
  const parsed = plan.spec.schema.safeParse(job.data);
  if (!parsed.success) return new IngestError('bad_request', `invalid ${plan.processor.queue} payload: ${parsed.error.message}`);
  const payload = parsed.data as JobPayload<Q>;
  const { assetId } = payload as { assetId?: string };
  if (assetId !== undefined) context.logger.setBindings({ assetId });
  return payload;
}

async function runProcessor<Q extends QueueName>(
  plan: AttemptPlan<Q>,
  payload: JobPayload<Q>,
  job: Job,
  context: StageContext,
): Promise<{ ran: 'ran' | 'deferred'; deferral: StageDeferral | undefined }> {
  let deferral: StageDeferral | undefined;
  const attempt = async () => {
    deferral = (await plan.processor.process(payload, context)) ?? undefined;
  };
  if (plan.survivesStalls) {
    await attempt();
    return { ran: 'ran', deferral };
  }
  // A job that was running when a worker died may be what killed it: it runs alone.
  const suspect = job.stalledCounter > 0;
  if (suspect) context.logger.warn({ stalls: job.stalledCounter }, 'job stalled before; running it alone in this process');
  const ran = await plan.runGate.run(suspect, attempt);
  return { ran, deferral };
}

/** How a failed attempt counts: another attempt follows unless the error is permanent or this was the last. */
function failure(error: IngestError, context: StageContext): Extract<AttemptResult, { error: IngestError }> {
  const outcome = !error.retryable ? 'rejected' : context.isLastAttempt ? 'failed' : 'retry';
  return { outcome, code: error.code, error };
}

/** `onFinalFailure` for a job that will not run again; if it throws, its error replaces the attempt's (the job is retried). */
async function recordFinalFailure<Q extends QueueName>(
  plan: AttemptPlan<Q>,
  payload: JobPayload<Q>,
  result: Extract<AttemptResult, { error: IngestError }>,
  context: StageContext,
): Promise<void> {
  try {
    await plan.processor.onFinalFailure?.(payload, result.error, context);
  } catch (err) {
    result.error = toIngestError(err);
  }
}

/** The wait a `rate_limited` error asks for (from the server's reset time), capped at 15 minutes. */
function rateLimitDelay(error: IngestError): number | undefined {
  const ms = error.details?.retryAfterMs;
  if (error.code !== 'rate_limited' || typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(Math.ceil(ms), 1), 15 * 60_000);
}
