import { z } from 'zod';
import { envInt } from './env-types';

/**
 * Resumable uploads (tus at `/v1/tus`): an upload not finished `TUS_EXPIRE_AFTER_SECONDS` after
 * its creation expires (`Upload-Expires` tells the client when); the gateway's tus sweeper,
 * every `TUS_SWEEP_EVERY_SECONDS`, removes its bytes and ends its asset `rejected`
 * (`upload_expired`), and queues uploads whose bytes all arrived but were never queued.
 */
export const tusEnv = z.object({
  TUS_EXPIRE_AFTER_SECONDS: envInt({ min: 1, max: 30 * 24 * 3600, default: 24 * 3600 }),
  TUS_SWEEP_EVERY_SECONDS: envInt({ min: 1, max: 3600, default: 60 }),
});

/** The gateway's tus settings from a parsed `tusEnv`. */
export function tusFromEnv(env: z.output<typeof tusEnv>) {
  return { expireAfterSeconds: env.TUS_EXPIRE_AFTER_SECONDS, sweepEverySeconds: env.TUS_SWEEP_EVERY_SECONDS };
}
