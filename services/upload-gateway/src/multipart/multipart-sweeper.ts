import type { Logger } from '@ingestkit/runtime';
import type { MultipartSessions } from './multipart-sessions';
import { runPeriodically } from '../intake/periodic-task';

/**
 * Aborts abandoned multipart uploads (`MULTIPART_ABANDON_AFTER_SECONDS`) from the gateway that
 * started them: every `abandonAfterSeconds / 4` (at least 10 s, at most 5 min) it sweeps the
 * sessions in Redis, so stores without ListMultipartUploads are covered and uploads of other
 * tools in the same bucket are never touched. An S3 lifecycle rule
 * (`AbortIncompleteMultipartUpload`) on the staging bucket is the backstop should Redis lose
 * a session. Returns `stop`.
 */
export function startMultipartSweeper(options: { sessions: MultipartSessions; abandonAfterSeconds: number; logger: Logger }): {
  stop(): Promise<void>;
} {
  const everyMs = Math.min(300_000, Math.max(10_000, (options.abandonAfterSeconds * 1000) / 4));
  return runPeriodically(
    everyMs,
    async () => {
      const swept = await options.sessions.sweep(options.abandonAfterSeconds);
      if (swept > 0) options.logger.info({ swept }, 'aborted abandoned multipart uploads');
    },
    { logger: options.logger, failure: 'multipart sweep failed' },
  );
}
