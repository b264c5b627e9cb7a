import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { principalOf } from './auth';

/** How long a key and its response are kept: 24 h, as the API promises. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

interface StoredResponse {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  location?: string;
  body?: unknown;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * What "the same request" means: method, path and the JSON body as parsed. A multipart body is
 * streamed to storage, never buffered, so it is represented by its declared length and type
 * (without the random boundary): the same key with a different file of the same length replays
 * the first answer. That is the price of not buffering uploads; clients use a fresh key per file.
 */
function fingerprintOf(req: Request): string {
  const isJson = req.body !== undefined && req.is('application/json');
  const body = isJson
    ? JSON.stringify(req.body)
    : `${String(req.headers['content-type'] ?? '').replace(/;\s*boundary=.*$/i, '')} ${req.headers['content-length'] ?? ''}`;
  return sha256(`${req.method} ${req.baseUrl}${req.path}\n${body}`);
}

/**
 * `Idempotency-Key` on a POST (mount after authentication and body parsing). The first request
 * with a key claims it in Redis (SET NX, 24 h) and runs; a 2xx answer is stored and replayed to
 * every later request with the same key and the same fingerprint (with `Idempotent-Replayed:
 * true`). A non-2xx answer releases the key, so a client can fix the problem and retry with it.
 * Keys are per caller (API key, or the key behind an upload token).
 *
 * Decided: a duplicate that arrives while the first is still running is answered at once with
 * 409 `idempotency_conflict` (`details.reason: "in_flight"`, `Retry-After: 1`) rather than held
 * open: holding would tie up a connection per impatient retry, and the retry after a second gets
 * the stored answer. A different request under a used key is 409 `idempotency_conflict` too.
 */
export function createIdempotency(deps: { redis: Redis; prefix: string; ttlSeconds?: number }): RequestHandler {
  const ttl = deps.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
  return async (req, res, next) => {
    const header = req.get('Idempotency-Key');
    if (header === undefined) return next();
    if (header.length === 0 || header.length > 255) {
      throw new IngestError('bad_request', 'Idempotency-Key must be 1 to 255 characters');
    }
    const key = `${deps.prefix}:idempotency:${principalOf(res).id}:${sha256(header)}`;
    const fingerprint = fingerprintOf(req);
    const pending: StoredResponse = { state: 'pending', fingerprint };
    if ((await deps.redis.set(key, JSON.stringify(pending), 'EX', ttl, 'NX')) === null) {
      const raw = await deps.redis.get(key);
      const stored = raw === null ? undefined : (JSON.parse(raw) as StoredResponse);
      if (stored && stored.fingerprint !== fingerprint) {
        throw new IngestError('idempotency_conflict', 'this Idempotency-Key was used with a different request', {
          details: { reason: 'different_request' },
        });
      }
      if (!stored || stored.state === 'pending') {
        res.setHeader('Retry-After', '1');
        throw new IngestError('idempotency_conflict', 'a request with this Idempotency-Key is still being processed', {
          details: { reason: 'in_flight' },
        });
      }
      res.setHeader('Idempotent-Replayed', 'true');
      if (stored.location) res.location(stored.location);
      res.status(stored.status ?? 200).json(stored.body);
      return;
    }
    let captured: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      captured = body;
      return json(body);
    };
    const release = () => void deps.redis.del(key).catch(() => undefined);
    res.on('close', () => {
      if (!res.writableFinished || res.statusCode < 200 || res.statusCode >= 300 || captured === undefined) {
        release();
        return;
      }
      const location = res.getHeader('Location');
      const done: StoredResponse = {
        state: 'done',
        fingerprint,
        status: res.statusCode,
        ...(typeof location === 'string' ? { location } : {}),
        body: captured,
      };
      deps.redis.set(key, JSON.stringify(done), 'EX', ttl).catch(release);
    });
    next();
  };
}
