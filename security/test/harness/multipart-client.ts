import type { HostileStack } from './hostile-stack';

/** What an answer carried: status, parsed body (JSON when it is JSON) and headers. */
export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (an S3 XML answer, or empty)
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * A token holder driving the Uppy (Companion) multipart routes by hand, as an attacker would:
 * any part numbers, any part lists, parts signed up front, in parallel or again.
 */
export function multipartClient(stack: HostileStack, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const q = (key: string) => `key=${encodeURIComponent(key)}`;
  return {
    async create(type = 'image/jpeg'): Promise<{ key: string; uploadId: string; assetId: string }> {
      const res = await fetch(`${stack.url}/v1/uppy/s3/multipart`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'a.jpg', type, metadata: {} }),
      });
      if (res.status !== 200) throw new Error(`creating a multipart upload answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { key: string; uploadId: string; assetId: string };
    },
    /** Signs one part (`size`: the part size the client declares, if any). */
    async sign(up: { key: string; uploadId: string }, partNumber: number, size?: number): Promise<Answer> {
      const sized = size === undefined ? '' : `&size=${size}`;
      return answer(
        await fetch(`${stack.url}/v1/uppy/s3/multipart/${up.uploadId}/${partNumber}?${q(up.key)}${sized}`, {
          headers: auth,
        }),
      );
    },
    async signBatch(up: { key: string; uploadId: string }, partNumbers: number[]): Promise<Record<string, string>> {
      const res = await fetch(
        `${stack.url}/v1/uppy/s3/multipart/${up.uploadId}/batch?${q(up.key)}&partNumbers=${partNumbers.join(',')}`,
        { headers: auth },
      );
      if (res.status !== 200) throw new Error(`signing a batch answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { presignedUrls: Record<string, string> }).presignedUrls;
    },
    async put(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
      return answer(await fetch(url, { method: 'PUT', body, headers }));
    },
    /** Signs part `partNumber` and PUTs `body` to it. */
    async upload(up: { key: string; uploadId: string }, partNumber: number, body: Uint8Array): Promise<Answer> {
      const signed = await this.sign(up, partNumber);
      if (signed.status !== 200) return signed;
      return this.put(signed.body.url, body, signed.body.headers ?? {});
    },
    async complete(up: { key: string; uploadId: string }, parts: Array<{ PartNumber: number; ETag: string }>): Promise<Answer> {
      return answer(
        await fetch(`${stack.url}/v1/uppy/s3/multipart/${up.uploadId}/complete?${q(up.key)}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ parts }),
        }),
      );
    },
    /** `POST /v1/uppy/sign` (the 6.x `signRequest` facade). */
    async signRequest(body: Record<string, unknown>): Promise<Answer> {
      return answer(
        await fetch(`${stack.url}/v1/uppy/sign`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    },
  };
}

/**
 * Samples `measure` every few milliseconds while `run` runs; answers the largest value seen
 * (including one last sample after it settled) and what `run` answered.
 */
export async function peakDuring<T>(measure: () => Promise<number>, run: () => Promise<T>): Promise<{ peak: number; result: T }> {
  let peak = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, await measure());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    const result = await run();
    done = true;
    await sampler;
    return { peak: Math.max(peak, await measure()), result };
  } finally {
    done = true;
    await sampler;
  }
}
