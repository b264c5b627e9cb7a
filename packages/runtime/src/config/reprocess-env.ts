import { z } from 'zod';
import { envInt } from './env-types';

/**
 * Bulk reprocess runs (`POST /v1/reprocess`), driven by the gateway: at most
 * `REPROCESS_MAX_IN_FLIGHT` assets of one run are in the pipeline at once (they run below new
 * uploads in every queue, but an image already being encoded is not interrupted, so this bounds
 * what a new upload can find in its way), and the driver looks at each run every
 * `REPROCESS_TICK_MS`.
 */
export const reprocessEnv = z.object({
  REPROCESS_MAX_IN_FLIGHT: envInt({ min: 1, max: 10_000, default: 1 }),
  REPROCESS_TICK_MS: envInt({ min: 50, max: 60_000, default: 500 }),
});

/** The gateway's reprocess settings from a parsed `reprocessEnv`. */
export function reprocessFromEnv(env: z.output<typeof reprocessEnv>) {
  return { maxInFlight: env.REPROCESS_MAX_IN_FLIGHT, tickMs: env.REPROCESS_TICK_MS };
}
