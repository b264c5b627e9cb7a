import type { z } from 'zod';

/** Thrown by `loadConfig` when the environment is invalid; the message names every bad key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Parses an environment with a schema composed of the fragments in this folder. Pure: the
 * caller passes `process.env` (once, in `main.ts`); the frozen result is handed down.
 * Empty strings count as unset, so `KEY=` in a .env file falls back to the default.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): Readonly<z.output<S>> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length > 0 ? issue.path.join('.') : '(config)';
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
