import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PolicyFile, type PolicyDefinition } from '@ingestkit/contracts';

/**
 * Optimization policies beyond the built-ins: `POLICIES_FILE` is the path of a JSON file
 * `{"policies": {"<name>": {"kind": "delivery" | "master", …}}}`; `POLICIES_JSON` is the same
 * JSON inline (for one-off deployments and tests). Both may be set; inline entries win.
 */
export const policiesEnv = z.object({
  POLICIES_FILE: z.string().min(1).optional(),
  POLICIES_JSON: z.string().min(1).optional(),
});

/**
 * Reads and validates the configured policies; each problem becomes an issue on the key it
 * came from (so `loadConfig` names `POLICIES_FILE` and the bad field). Use in `superRefine`
 * or `transform` with its context.
 */
export function policiesFromEnv(
  env: z.output<typeof policiesEnv>,
  ctx: z.RefinementCtx,
): Readonly<Record<string, PolicyDefinition>> {
  const fromFile = env.POLICIES_FILE ? parsePolicies('POLICIES_FILE', readPolicyFile(env.POLICIES_FILE, ctx), ctx) : {};
  const inline = env.POLICIES_JSON ? parsePolicies('POLICIES_JSON', env.POLICIES_JSON, ctx) : {};
  return { ...fromFile, ...inline };
}

function readPolicyFile(path: string, ctx: z.RefinementCtx): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['POLICIES_FILE'], message: `cannot read ${path}: ${(err as Error).message}` });
    return undefined;
  }
}

function parsePolicies(key: string, text: string | undefined, ctx: z.RefinementCtx): Record<string, PolicyDefinition> {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: [key], message: `not valid JSON: ${(err as Error).message}` });
    return {};
  }
  const parsed = PolicyFile.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: [key], message: `${issue.path.join('.') || '(file)'}: ${issue.message}` });
    }
    return {};
  }
  return parsed.data.policies;
}
