import type { Logger } from './logger';

export interface ShutdownStep {
  name: string;
  close(): Promise<void>;
}

/**
 * Runs `steps` in order on SIGTERM or SIGINT (stop accepting, finish in-flight work, close
 * connections), then exits 0. If they take longer than `deadlineMs` the process exits 1, so an
 * orchestrator never waits on a hung dependency; BullMQ then re-delivers the jobs that were
 * in flight (stalled-job recovery), which is why every stage is idempotent.
 */
export function installGracefulShutdown(options: {
  logger: Logger;
  deadlineMs: number;
  steps: readonly ShutdownStep[];
  exit?: (code: number) => void;
}): () => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown: Promise<void> | undefined;

  const shutdown = (signal: string): Promise<void> => {
    shuttingDown ??= (async () => {
      options.logger.info({ signal, deadlineMs: options.deadlineMs }, 'shutting down');
      const deadline = setTimeout(() => {
        options.logger.error({ deadlineMs: options.deadlineMs }, 'shutdown deadline exceeded, exiting');
        exit(1);
      }, options.deadlineMs);
      deadline.unref();
      let code = 0;
      for (const step of options.steps) {
        try {
          await step.close();
        } catch (err) {
          code = 1;
          options.logger.error({ err, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(deadline);
      options.logger.info('shutdown complete');
      exit(code);
    })();
    return shuttingDown;
  };

  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return () => shutdown('manual');
}
