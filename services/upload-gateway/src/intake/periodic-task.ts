import { toIngestError } from '@ingestkit/contracts';
import type { Logger } from '@ingestkit/runtime';

/**
 * Runs `task` every `everyMs` in the background (the timer does not keep the process alive).
 * A failed run is logged at warn with `failure` and the next one comes as usual. `stop` ends
 * the timer and waits for a run in progress, so shutdown never cuts a sweep in half.
 */
export function runPeriodically(
  everyMs: number,
  task: () => Promise<void>,
  log: { logger: Logger; failure: string },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = task().catch((err: unknown) => log.logger.warn({ err: toIngestError(err) }, log.failure));
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
