import { ErrorBody } from '@ingestkit/contracts';

/** Codes the client itself reports, beside the API's own (`packages/contracts/src/errors.ts`). */
export type ClientErrorCode = 'network_error' | 'invalid_response' | 'timeout' | 'signature_invalid';

/**
 * The one error the client throws for anything the API or the network refused. `code` is the
 * API's error code (`backlog_full`, `payload_too_large`, …) or one of {@link ClientErrorCode};
 * `status` is the HTTP status (absent when no answer arrived). An aborted call rejects with the
 * signal's reason instead, as `fetch` does.
 */
export class IngestkitError extends Error {
  override readonly name = 'IngestkitError';
  readonly code: string;
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** What the server's `Retry-After` asked for, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(input: {
    code: string;
    message: string;
    status?: number;
    details?: Record<string, unknown>;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(input.message, input.cause === undefined ? undefined : { cause: input.cause });
    this.code = input.code;
    this.status = input.status;
    this.details = input.details;
    this.retryAfterMs = input.retryAfterMs;
  }
}

/** Whether a value is an {@link IngestkitError} (by name, so it also holds across bundled copies). */
export function isIngestkitError(value: unknown): value is IngestkitError {
  return value instanceof Error && value.name === 'IngestkitError' && 'code' in value;
}

/** The error an API answer stands for, from its JSON `{error:{code,message,details}}` body. */
export async function errorFromResponse(response: Response): Promise<IngestkitError> {
  const text = await response.text().catch(() => '');
  let parsed: ReturnType<typeof ErrorBody.safeParse> | undefined;
  try {
    parsed = ErrorBody.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const base = { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (parsed?.success) {
    const { code, message, details } = parsed.data.error;
    return new IngestkitError({ ...base, code, message, ...(details ? { details } : {}) });
  }
  return new IngestkitError({ ...base, code: 'invalid_response', message: `HTTP ${response.status}: ${text.slice(0, 200)}` });
}

/** `Retry-After` in ms: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
