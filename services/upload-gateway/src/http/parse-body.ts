import type { z } from 'zod';
import { IngestError } from '@ingestkit/contracts';

/** Parses a request body (or query) with a contract schema; `bad_request` listing each issue otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, what = 'request body'): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new IngestError('bad_request', `invalid ${what}`, {
      details: {
        issues: parsed.error.issues.slice(0, 20).map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
      },
    });
  }
  return parsed.data;
}
