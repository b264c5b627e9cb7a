import { z } from 'zod';

/** An integer from an environment string, with bounds. */
export function envInt(options: { min?: number; max?: number; default: number }) {
  return z.coerce
    .number({ error: 'expected a number' })
    .int('expected an integer')
    .min(options.min ?? 0)
    .max(options.max ?? Number.MAX_SAFE_INTEGER)
    .default(options.default);
}

export function envPort(defaultPort: number) {
  return envInt({ min: 0, max: 65_535, default: defaultPort });
}

/** `true/false/1/0/yes/no`, case-insensitive. */
export function envBoolean(defaultValue: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }))
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(defaultValue);
}

/** A comma-separated list of non-empty strings. */
export const envList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);
