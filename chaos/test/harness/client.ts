import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Asset } from '@ingestkit/contracts';
import { API_KEY } from './cluster';

const auth = { authorization: `Bearer ${API_KEY}` };

/** One image a scenario ingests, and what it asks for. */
export interface UploadInput {
  bytes: Buffer;
  fileName: string;
  destination: 'local' | 'imagekit';
  folder?: string;
  overwrite?: boolean;
}

/** Answers the clients saw, by HTTP status and error code: the scenario's "errors by code". */
export class AnswerLog {
  readonly counts = new Map<string, number>();
  note(status: number | 'connection', code?: string): void {
    const key = status === 'connection' ? 'connection error' : `${status}${code ? ` ${code}` : ''}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/**
 * A well-behaved API client, as the README tells users to write one: every POST carries an
 * `Idempotency-Key` that stays the same across its retries, and connection errors, 409
 * `in_flight` and 503 answers are retried after `Retry-After` (or a second) until `deadline`.
 * Returns the 2xx answer's body (with its `asset`), or throws with the last answer.
 */
export async function postWithRetries<T extends { asset: Asset } = { asset: Asset }>(
  gatewayUrl: () => string,
  path: string,
  body: () => string | FormData,
  options: { answers: AnswerLog; deadlineMs: number; headers?: Record<string, string> },
): Promise<T> {
  const key = randomUUID();
  const deadline = Date.now() + options.deadlineMs;
  for (;;) {
    let waitMs = 500;
    try {
      const response = await fetch(`${gatewayUrl()}${path}`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': key, ...options.headers },
        body: body(),
        signal: AbortSignal.timeout(60_000),
      });
      const json = (await response.json().catch(() => ({}))) as Partial<T> & { error?: { code: string } };
      options.answers.note(response.status, json.error?.code);
      if (response.ok && json.asset) return json as T;
      const retryable = response.status === 503 || response.status === 429 || json.error?.code === 'idempotency_conflict';
      if (!retryable) throw new Error(`POST ${path} answered ${response.status} ${JSON.stringify(json)}`);
      waitMs = Math.max(waitMs, Number(response.headers.get('retry-after') ?? 1) * 1000);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`POST ${path}`)) throw err;
      options.answers.note('connection');
    }
    if (Date.now() + waitMs > deadline) throw new Error(`POST ${path} was not accepted before the deadline`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** `POST /v1/uploads` (multipart), retried as {@link postWithRetries} does. */
export async function upload(
  gatewayUrl: () => string,
  input: UploadInput,
  answers: AnswerLog,
  deadlineMs = 180_000,
): Promise<Asset> {
  const { asset } = await postWithRetries(
    gatewayUrl,
    '/v1/uploads',
    () => {
      const form = new FormData();
      form.append('destination', input.destination);
      if (input.folder) form.append('folder', input.folder);
      if (input.overwrite) form.append('overwrite', 'true');
      form.append('file', new Blob([input.bytes], { type: 'application/octet-stream' }), input.fileName);
      return form;
    },
    { answers, deadlineMs },
  );
  return asset;
}

/** `DELETE /v1/assets/:id`, retried on connection errors and 503 until `deadlineMs`; returns the tombstone. */
export async function deleteAsset(gatewayUrl: () => string, id: string, answers: AnswerLog, deadlineMs = 60_000): Promise<Asset> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(`${gatewayUrl()}/v1/assets/${id}`, {
        method: 'DELETE',
        headers: auth,
        signal: AbortSignal.timeout(10_000),
      });
      const json = (await response.json().catch(() => ({}))) as { asset?: Asset; error?: { code: string } };
      answers.note(response.status, json.error?.code);
      if (response.ok && json.asset) return json.asset;
      if (response.status !== 503 && response.status !== 429) {
        throw new Error(`DELETE /v1/assets/${id} answered ${response.status} ${JSON.stringify(json)}`);
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('DELETE')) throw err;
      answers.note('connection');
    }
    if (Date.now() > deadline) throw new Error(`DELETE /v1/assets/${id} did not succeed before the deadline`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function getAsset(gatewayUrl: string, id: string): Promise<Asset | undefined> {
  const response = await fetch(`${gatewayUrl}/v1/assets/${id}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET /v1/assets/${id} answered ${response.status}`);
  return ((await response.json()) as { asset: Asset }).asset;
}

/**
 * Sends the headers and the first `sentBytes` of a multipart upload of `totalBytes` over a raw
 * socket and leaves the connection open: an upload in the middle of its body, for a scenario to
 * kill the gateway under. Resolves once the bytes are written.
 */
export async function startPartialUpload(port: number, bytes: Buffer, sentBytes: number): Promise<() => void> {
  const boundary = `chaos${randomUUID().replaceAll('-', '')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="destination"\r\n\r\nlocal\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.jpg"\r\n` +
      `Content-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, bytes, tail]);
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const request =
    `POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${auth.authorization}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
  await new Promise<void>((resolve) => socket.write(request, () => resolve()));
  await new Promise<void>((resolve) => socket.write(body.subarray(0, Math.min(sentBytes, body.length - 1)), () => resolve()));
  return () => socket.destroy();
}
