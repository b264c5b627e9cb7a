import { z } from 'zod';
import { envInt } from './env-types';

/**
 * Who may spend the monthly purge budget. Purges caused by uploads (an overwrite superseding a
 * file version) count against the API key behind the upload, its upload tokens included:
 * `PURGE_UPLOAD_ALLOWANCE_PER_HOUR` per key per UTC hour. `PURGE_API_RESERVED_PERCENT` of the
 * monthly budget is kept for `POST /v1/purge` (an API key's explicit purge): uploads cannot
 * spend it. A purge past either limit waits (held), it is never dropped.
 */
export const purgeAllowanceEnv = z.object({
  PURGE_UPLOAD_ALLOWANCE_PER_HOUR: envInt({ min: 0, max: 1_000_000, default: 50 }),
  PURGE_API_RESERVED_PERCENT: envInt({ min: 0, max: 100, default: 20 }),
});

/** The purge allowance {@link purgeAllowanceEnv} describes. */
export interface PurgeAllowanceSettings {
  /** Upload-caused purges per API key per UTC hour. */
  uploadsPerKeyPerHour: number;
  /** Share of the monthly budget, in percent, that only `POST /v1/purge` may spend. */
  apiReservedPercent: number;
}

/** The settings of {@link purgeAllowanceEnv}. */
export function purgeAllowanceFromEnv(env: z.output<typeof purgeAllowanceEnv>): PurgeAllowanceSettings {
  return { uploadsPerKeyPerHour: env.PURGE_UPLOAD_ALLOWANCE_PER_HOUR, apiReservedPercent: env.PURGE_API_RESERVED_PERCENT };
}
