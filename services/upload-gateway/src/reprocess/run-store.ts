import type { PrincipalRef, ReprocessFilter, ReprocessRequest } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';

/** What a run was asked to do, fixed at creation. */
export interface RunSpec {
  id: string;
  filter: ReprocessFilter;
  /** The policy and overrides every asset is reprocessed with. */
  request: ReprocessRequest & { policy: string };
  createdBy: PrincipalRef;
  createdAt: string;
}

/** A run's record: its spec, how far its listing got and its counts. */
export interface RunRecord extends RunSpec {
  /** Where the next listing page starts (a registry cursor); absent before the first page. */
  cursor?: string;
  isListed: boolean;
  isCancelled: boolean;
  total: number;
  done: number;
  failed: number;
  /** Listed assets not started yet. */
  pending: number;
  errors: Record<string, number>;
  updatedAt: string;
}

// KEYS: run hash, seen set, pending list. ARGV: the cursor the page was listed from ('' for the
// first), the next cursor ('' on the last page), now, then the page's asset ids. Saves the page
// only if the run is still at that cursor (a page listed twice, by a restarted or a second
// driver, is saved once); an asset the run has seen before is not queued again.
const SAVE_PAGE = `
local cursor = redis.call('HGET', KEYS[1], 'cursor') or ''
if cursor ~= ARGV[1] or redis.call('HGET', KEYS[1], 'listed') == '1' then return -1 end
local added = 0
for i = 4, #ARGV do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[3], ARGV[i])
    added = added + 1
  end
end
redis.call('HINCRBY', KEYS[1], 'total', added)
if ARGV[2] == '' then redis.call('HSET', KEYS[1], 'listed', 1) else redis.call('HSET', KEYS[1], 'cursor', ARGV[2]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[3])
return added
`;

// KEYS: run hash, pending list, in-flight zset. ARGV: now (ms). Takes the next pending asset
// into flight, unless the run is cancelled: an asset leaves `pending` only into `inflight`.
const CLAIM = `
if redis.call('HGET', KEYS[1], 'cancelled') == '1' then return false end
local id = redis.call('LPOP', KEYS[2])
if not id then return false end
redis.call('ZADD', KEYS[3], ARGV[1], id)
return id
`;

// KEYS: run hash, in-flight zset, errors hash. ARGV: asset id, 'done' or 'failed', error code
// (failed only), now. Counts the asset once: only the call that takes it out of flight counts.
const SETTLE = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
return 1
`;

// KEYS: in-flight zset, pending list. ARGV: asset id. Puts an asset never started back to pending.
const RELEASE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('LPUSH', KEYS[2], ARGV[1]) end
return 1
`;

// KEYS: lock. ARGV: token. Releases the lock only if this driver still holds it.
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Reprocess runs in Redis, under `<prefix>:reprocess:<id>`: a hash (spec, cursor, listed,
 * cancelled, total, done, failed, updatedAt), the set of every asset the run listed (`seen`: an
 * asset enters the run once, so it is never processed twice by it), the list of those not
 * started (`pending`), the assets in flight with their claim time (`inflight`), failures by code
 * (`errors`), and the set of runs still to drive. Every step that moves an asset between them is
 * one Lua script, so a crash at any point leaves each asset in exactly one place and each count
 * exact.
 */
export function createRunStore(deps: { redis: Redis; prefix: string }) {
  const base = (id: string) => `${deps.prefix}:reprocess:${id}`;
  const keys = (id: string) => ({
    run: base(id),
    seen: `${base(id)}:seen`,
    pending: `${base(id)}:pending`,
    inflight: `${base(id)}:inflight`,
    errors: `${base(id)}:errors`,
    lock: `${base(id)}:lock`,
  });
  const runningKey = `${deps.prefix}:reprocess-runs:running`;
  const now = () => new Date().toISOString();

  return {
    /** Creates the run and marks it to be driven; false when one with this id exists (a retried request). */
    async create(spec: RunSpec): Promise<boolean> {
      const { run } = keys(spec.id);
      const created = await deps.redis.hsetnx(run, 'spec', JSON.stringify(spec));
      if (created === 1) {
        await deps.redis
          .multi()
          .hset(run, { total: 0, done: 0, failed: 0, listed: 0, cancelled: 0, updatedAt: spec.createdAt })
          .sadd(runningKey, spec.id)
          .exec();
      }
      return created === 1;
    },
    async get(id: string): Promise<RunRecord | null> {
      const k = keys(id);
      const [fields, errors, pending] = await Promise.all([
        deps.redis.hgetall(k.run),
        deps.redis.hgetall(k.errors),
        deps.redis.llen(k.pending),
      ]);
      if (!fields.spec) return null;
      const spec = JSON.parse(fields.spec) as RunSpec;
      return {
        ...spec,
        ...(fields.cursor ? { cursor: fields.cursor } : {}),
        isListed: fields.listed === '1',
        isCancelled: fields.cancelled === '1',
        total: Number(fields.total ?? 0),
        done: Number(fields.done ?? 0),
        failed: Number(fields.failed ?? 0),
        pending,
        errors: Object.fromEntries(Object.entries(errors).map(([code, count]) => [code, Number(count)])),
        updatedAt: fields.updatedAt ?? spec.createdAt,
      };
    },
    /** Saves a listing page read from `from` (see SAVE_PAGE); how many assets it added, -1 if the page was saved already. */
    async savePage(id: string, page: { from?: string; next?: string; assetIds: string[] }): Promise<number> {
      const k = keys(id);
      return (await deps.redis.eval(
        SAVE_PAGE,
        3,
        k.run,
        k.seen,
        k.pending,
        page.from ?? '',
        page.next ?? '',
        now(),
        ...page.assetIds,
      )) as number;
    },
    /** Takes the next pending asset into flight; null when none is pending or the run is cancelled. */
    async claim(id: string): Promise<string | null> {
      const k = keys(id);
      return (await deps.redis.eval(CLAIM, 3, k.run, k.pending, k.inflight, Date.now())) as string | null;
    },
    /** The assets in flight with the time (ms) each was claimed. */
    async inFlight(id: string): Promise<Array<{ assetId: string; claimedAt: number }>> {
      const flat = await deps.redis.zrange(keys(id).inflight, 0, -1, 'WITHSCORES');
      const entries: Array<{ assetId: string; claimedAt: number }> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ assetId: flat[i]!, claimedAt: Number(flat[i + 1]) });
      return entries;
    },
    /** Counts an in-flight asset done or failed (with its error code); false when it was counted already. */
    async settle(id: string, assetId: string, outcome: { done: true } | { failed: string }): Promise<boolean> {
      const k = keys(id);
      const [field, code] = 'done' in outcome ? ['done', ''] : ['failed', outcome.failed];
      return (await deps.redis.eval(SETTLE, 3, k.run, k.inflight, k.errors, assetId, field, code, now())) === 1;
    },
    /** Puts an in-flight asset that was never started back among the pending (a cancelled run does not start it). */
    async release(id: string, assetId: string): Promise<void> {
      const k = keys(id);
      await deps.redis.eval(RELEASE, 2, k.inflight, k.pending, assetId);
    },
    async cancel(id: string): Promise<void> {
      await deps.redis.hset(keys(id).run, { cancelled: 1, updatedAt: now() });
    },
    /** Runs still to drive. */
    running: (): Promise<string[]> => deps.redis.smembers(runningKey),
    /** The run needs no more driving (everything settled). */
    async finish(id: string): Promise<void> {
      await deps.redis.srem(runningKey, id);
    },
    /** Takes the run's driving lock for `ms`; the token to release it with, or null when another driver holds it. */
    async lock(id: string, ms: number): Promise<string | null> {
      const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      return (await deps.redis.set(keys(id).lock, token, 'PX', ms, 'NX')) === 'OK' ? token : null;
    },
    async unlock(id: string, token: string): Promise<void> {
      await deps.redis.eval(UNLOCK, 1, keys(id).lock, token);
    },
  };
}
export type RunStore = ReturnType<typeof createRunStore>;
