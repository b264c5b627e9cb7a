import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { assetIdFrom, DUPLICATE_OF_HEADER, IngestError, newAssetId } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { principalOf, type Principal } from './auth';

/** How long a key and its response are kept: 24 h, as the API promises. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

interface StoredResponse {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  location?: string;
  /** The `Ingest-Duplicate-Of` of a `dedupe` upload answered with an existing asset. */
  duplicateOf?: string;
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
 * Whose keys these are: an API key's own requests, or one upload token's (its `jti` under the
 * key that minted it). Tokens of one API key are handed to different browsers, so they must not
 * see each other's answers (signed upload URLs included) or derive each other's asset ids.
 */
export function idempotencyScopeOf(principal: Principal): string {
  return principal.kind === 'uploadToken' ? `${principal.id}:token:${principal.claims.jti}` : principal.id;
}

/**
 * `Idempotency-Key` on a POST (mount after authentication and body parsing). The first request
 * with a key claims it in Redis (SET NX) and runs; a 2xx answer is stored (24 h) and replayed to
 * every later request with the same key and the same fingerprint (with `Idempotent-Replayed:
 * true`). A non-2xx answer releases the key, so a client can fix the problem and retry with it.
 * Keys are per caller: an API key, or one upload token (`idempotencyScopeOf`).
 *
 * Decided: a duplicate that arrives while the first is still running is answered at once with
 * 409 `idempotency_conflict` (`details.reason: "in_flight"`, `Retry-After: 1`) rather than held
 * open: holding would tie up a connection per impatient retry, and the retry after a second gets
 * the stored answer. A different request under a used key is 409 `idempotency_conflict` too.
 *
 * Crashes (found by the chaos suite): the claim is a lease of `leaseSeconds` that the running
 * request renews, so a key whose gateway was killed mid-request is free again within the lease
 * instead of answering `in_flight` for 24 h; and a 2xx answer is stored before it is sent, so a
 * gateway killed just after answering cannot make the client's retry run the request twice.
 */
export function createIdempotency(deps: {
  redis: Redis;
  prefix: string;
  ttlSeconds?: number;
  leaseSeconds?: number;
}): RequestHandler {
  const ttl = deps.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
  const lease = deps.leaseSeconds ?? 10;
  return async (req, res, next) => {
    const header = req.get('Idempotency-Key');
    if (header === undefined) return next();
    if (header.length === 0 || header.length > 255) {
      throw new IngestError('bad_request', 'Idempotency-Key must be 1 to 255 characters');
    }
    const scope = idempotencyScopeOf(principalOf(res));
    const key = `${deps.prefix}:idempotency:${scope}:${sha256(header)}`;
    const fingerprint = fingerprintOf(req);
    const pending: StoredResponse = { state: 'pending', fingerprint };
    if ((await deps.redis.set(key, JSON.stringify(pending), 'EX', lease, 'NX')) === null) {
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
      if (stored.duplicateOf) res.setHeader(DUPLICATE_OF_HEADER, stored.duplicateOf);
      res.status(stored.status ?? 200).json(stored.body);
      return;
    }
    // The asset this request creates is named after its key: a retry after a crash that lost the
    // answer (and the claim) finds the asset the first try created instead of making a second.
    res.locals.idempotencySeed = `${scope}\n${header}`;
    const renewal = setInterval(() => void deps.redis.expire(key, lease).catch(() => undefined), (lease * 1000) / 3);
    renewal.unref();
    let stored = false;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      clearInterval(renewal);
      if (res.statusCode < 200 || res.statusCode >= 300) return json(body);
      const location = res.getHeader('Location');
      const duplicateOf = res.getHeader(DUPLICATE_OF_HEADER);
      const done: StoredResponse = {
        state: 'done',
        fingerprint,
        status: res.statusCode,
        ...(typeof location === 'string' ? { location } : {}),
        ...(typeof duplicateOf === 'string' ? { duplicateOf } : {}),
        body,
      };
      stored = true;
      // Answer once the record is written; if Redis fails now the lease still frees the key.
      void deps.redis
        .set(key, JSON.stringify(done), 'EX', ttl)
        .catch(() => undefined)
        .finally(() => json(body));
      return res;
    };
    res.on('close', () => {
      clearInterval(renewal);
      // The work of a stored 2xx is done, even if the client left before the answer: keep it.
      if (!stored) void deps.redis.del(key).catch(() => undefined);
    });
    next();
  };
}

/**
 * The id of the asset a request creates (or of its `item`th asset, for a batch): derived from
 * its Idempotency-Key when it has one, else random. The key's fingerprint pins the body, so the
 * same item of a retried batch gets the same id.
 */
export function assetIdFor(res: Response, item?: number): string {
  const seed = res.locals.idempotencySeed;
  if (typeof seed !== 'string') return newAssetId();
  return assetIdFrom(item === undefined ? seed : `${seed}\nitem ${item}`);
}
