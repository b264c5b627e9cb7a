import type { RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { principalOf } from './auth';

// Fixed window: one counter per caller and minute, created with its expiry in the same step.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

const WINDOW_MS = 60_000;

/**
 * Per-key rate limiting (mount after authentication): at most `perMinute` requests per API key,
 * and per upload token, per fixed minute window (tokens are not pooled with their minting key:
 * thousands of browsers may upload under one backend's key). Over the
 * limit: 429 `rate_limited` with `Retry-After` (seconds until the window ends). A fixed window
 * lets a burst of up to twice the limit straddle a window edge; that is acceptable for a guard
 * against runaway clients, and costs one Redis round trip. `perMinute` 0 turns it off.
 */
export function createRateLimit(deps: { redis: Redis; prefix: string; perMinute: number }): RequestHandler {
  return async (_req, res, next) => {
    if (deps.perMinute <= 0) return next();
    const window = Math.floor(Date.now() / WINDOW_MS);
    const principal = principalOf(res);
    // A token is limited on its own: the browsers of one app share the key that minted their tokens.
    const caller = principal.kind === 'uploadToken' ? `token-${principal.claims.jti}` : principal.id;
    const key = `${deps.prefix}:rate:${caller}:${window}`;
    const [count, pttl] = (await deps.redis.eval(HIT_SCRIPT, 1, key, WINDOW_MS)) as [number, number];
    res.setHeader('RateLimit-Limit', String(deps.perMinute));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, deps.perMinute - count)));
    if (count > deps.perMinute) {
      throw new IngestError('rate_limited', `more than ${deps.perMinute} requests per minute for this key or token`, {
        details: { retryAfterSeconds: Math.max(1, Math.ceil(pttl / 1000)), limit: deps.perMinute },
      });
    }
    next();
  };
}
