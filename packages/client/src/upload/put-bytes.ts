import { errorFromResponse, IngestkitError } from '../errors';
import { withRetries, type RetryOptions } from '../retry';

/**
 * PUTs bytes to a presigned URL (S3, or the gateway's local store), retrying dropped
 * connections and 5xx. Returns the response's `ETag` (multipart parts need it).
 */
export async function putBytes(input: {
  url: string;
  body: Blob;
  headers: Record<string, string>;
  signal?: AbortSignal;
  retry?: RetryOptions;
  fetch?: typeof fetch;
}): Promise<string | undefined> {
  const send = input.fetch ?? globalThis.fetch.bind(globalThis);
  return withRetries(
    async () => {
      let response: Response;
      try {
        response = await send(input.url, {
          method: 'PUT',
          body: input.body,
          headers: input.headers,
          ...(input.signal ? { signal: input.signal } : {}),
        });
      } catch (err) {
        if (input.signal?.aborted) throw input.signal.reason;
        throw new IngestkitError({ code: 'network_error', message: `PUT: ${(err as Error).message}`, cause: err });
      }
      if (!response.ok) throw await errorFromResponse(response);
      await response.body?.cancel().catch(() => undefined);
      return response.headers.get('etag') ?? undefined;
    },
    { ...input.retry, ...(input.signal ? { signal: input.signal } : {}) },
  );
}
