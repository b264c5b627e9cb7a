import { Purge, type PurgeReason, type PurgeUrlState, type PurgeUrlStatus } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import type { PendingPurge } from './plan-purges';

/** Purges stay readable for 30 days, like the CDN's own purge history. */
const RECORD_TTL_SECONDS = 30 * 24 * 3600;

/** A rule the CDN accepted and has not finished. */
export interface InFlightPurge extends PendingPurge {
  requestId: string;
}

export interface PurgeStore {
  /** Records a new purge with every URL `queued`; a second call with the same id changes nothing. */
  create(input: { id: string; reason: PurgeReason; urls: readonly string[]; now?: Date }): Promise<Purge>;
  get(id: string): Promise<Purge | undefined>;
  /**
   * Records where one URL of a purge stands. A URL recorded under a `requestId` that already
   * completed is recorded `completed`: the completion may have run while this batch was planned.
   */
  record(purgeId: string, state: PurgeUrlState, now?: Date): Promise<void>;
  /** Rules the CDN accepted and has not finished; the planner settles or defers requests under them. */
  inFlight(): Promise<InFlightPurge[]>;
  addInFlight(purge: InFlightPurge): Promise<void>;
  /** The CDN finished `requestId`: every URL recorded under it becomes `completed`, and its rule leaves the in-flight set. */
  complete(purge: InFlightPurge, now?: Date): Promise<void>;
}

// Per purge one hash: `createdAt`, `reason`, `updatedAt` and one `u:<url>` field per URL holding
// its PurgeUrlState as JSON; each URL is written on its own, so concurrent batches never
// overwrite each other's URLs. Per CDN request a set of `<purgeId> <url>` members, and a
// `done` marker once it completed. The in-flight rules are one hash, rule → InFlightPurge.
//
// RECORD_SCRIPT writes a URL's state and joins it to its request's set in one step, unless the
// request is already done, in which case it writes the URL completed. `complete` sets `done`
// before it reads the set, so a URL is either in the set it reads or sees the marker.
const RECORD_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local state = ARGV[2]
if KEYS[2] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then state = ARGV[3] end
redis.call('HSET', KEYS[1], ARGV[1], state, 'updatedAt', ARGV[4])
if KEYS[2] ~= '' and state == ARGV[2] then
  redis.call('SADD', KEYS[2], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return 1
`;

const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

const statusOrder: readonly PurgeUrlStatus[] = ['held', 'queued', 'submitted', 'completed'];

export function createRedisPurgeStore(options: { redis: Redis; prefix: string }): PurgeStore {
  const { redis, prefix } = options;
  const keys = {
    record: (id: string) => `${prefix}:purge:record:${id}`,
    request: (requestId: string) => `${prefix}:purge:request:${requestId}`,
    done: (requestId: string) => `${prefix}:purge:request:${requestId}:done`,
    inFlight: `${prefix}:purge:in-flight`,
  };

  const read = async (id: string): Promise<Purge | undefined> => {
    const hash = await redis.hgetall(keys.record(id));
    if (!hash.createdAt) return undefined;
    const urls = Object.entries(hash)
      .filter(([field]) => field.startsWith('u:'))
      .map(([, value]) => JSON.parse(value) as PurgeUrlState);
    const status = statusOrder.find((candidate) => urls.some((url) => url.status === candidate)) ?? 'completed';
    return Purge.parse({
      id,
      status,
      reason: hash.reason,
      urls,
      requestIds: [...new Set(urls.flatMap((url) => (url.requestId ? [url.requestId] : [])))],
      createdAt: hash.createdAt,
      updatedAt: hash.updatedAt ?? hash.createdAt,
    });
  };

  return {
    async create({ id, reason, urls, now = new Date() }) {
      const fields = urls.flatMap((url) => [`u:${url}`, JSON.stringify({ url, status: 'queued' } satisfies PurgeUrlState)]);
      const at = now.toISOString();
      await redis.eval(
        CREATE_SCRIPT,
        1,
        keys.record(id),
        String(RECORD_TTL_SECONDS),
        'createdAt',
        at,
        'reason',
        reason,
        ...fields,
      );
      return (await read(id)) as Purge;
    },
    get: read,
    async record(purgeId, state, now = new Date()) {
      const completed: PurgeUrlState = { ...state, status: 'completed' };
      const requestId = state.status === 'submitted' ? state.requestId : undefined;
      await redis.eval(
        RECORD_SCRIPT,
        3,
        keys.record(purgeId),
        requestId ? keys.request(requestId) : '',
        requestId ? keys.done(requestId) : '',
        `u:${state.url}`,
        JSON.stringify(state),
        JSON.stringify(completed),
        now.toISOString(),
        `${purgeId} ${state.url}`,
        String(RECORD_TTL_SECONDS),
      );
    },
    async inFlight() {
      const entries = await redis.hvals(keys.inFlight);
      return entries.map((entry) => JSON.parse(entry) as InFlightPurge);
    },
    async addInFlight(purge) {
      await redis.hset(keys.inFlight, purge.rule, JSON.stringify(purge));
    },
    async complete(purge, now = new Date()) {
      await redis.set(keys.done(purge.requestId), '1', 'EX', RECORD_TTL_SECONDS);
      const members = await redis.smembers(keys.request(purge.requestId));
      for (const member of members) {
        const space = member.indexOf(' ');
        const purgeId = member.slice(0, space);
        const url = member.slice(space + 1);
        const current = await redis.hget(keys.record(purgeId), `u:${url}`);
        if (!current) continue;
        const state = JSON.parse(current) as PurgeUrlState;
        if (state.requestId !== purge.requestId) continue;
        await redis.hset(
          keys.record(purgeId),
          `u:${url}`,
          JSON.stringify({ ...state, status: 'completed' }),
          'updatedAt',
          now.toISOString(),
        );
      }
      // Only this request's entry: the same rule may have been submitted again since.
      const entry = await redis.hget(keys.inFlight, purge.rule);
      if (entry && (JSON.parse(entry) as InFlightPurge).requestId === purge.requestId)
        await redis.hdel(keys.inFlight, purge.rule);
    },
  };
}
