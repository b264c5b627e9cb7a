import type { PrincipalRef, PurgeReason } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';

/**
 * Purges of a month that uploads may spend: the monthly budget less the share kept for
 * `POST /v1/purge`. The reserved share rounds up, so an API key always keeps at least its share.
 */
export function uploadShareOf(monthly: number, apiReservedPercent: number): number {
  return Math.max(0, monthly - Math.ceil((monthly * apiReservedPercent) / 100));
}

/** The UTC hour an upload-caused purge is counted in, `YYYY-MM-DDTHH`. */
export function allowanceHour(now: Date): string {
  return now.toISOString().slice(0, 13);
}

/** Counters outlive their hour a little, so a batch planned across the hour still finds its own. */
const KEY_TTL_SECONDS = 2 * 3600;

// One set per key and hour of the purge requests it was granted. A request already in the set is
// granted again (a held or deferred request planned again, a redelivered job): the allowance
// counts requests, not attempts. New ones join while the set is below ARGV[1]; atomic, so two
// purge-service replicas cannot both grant the last one.
const ADMIT_SCRIPT = `
local admitted = {}
local count = redis.call('SCARD', KEYS[1])
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then
    table.insert(admitted, ARGV[i])
  elseif count < tonumber(ARGV[1]) then
    redis.call('SADD', KEYS[1], ARGV[i])
    count = count + 1
    table.insert(admitted, ARGV[i])
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return admitted
`;

export interface PurgeAllowance {
  /** The ids among `requestIds` that `causedBy`'s key may purge this hour (granted ones stay granted). */
  admit(causedBy: PrincipalRef, requestIds: readonly string[], now?: Date): Promise<Set<string>>;
}

/** Upload-caused purges per API key per UTC hour, counted in Redis (`<prefix>:purge:allowance:<keyId>:<hour>`). */
export function createPurgeAllowance(deps: { redis: Redis; prefix: string; perKeyPerHour: number }): PurgeAllowance {
  return {
    async admit(causedBy, requestIds, now = new Date()) {
      if (requestIds.length === 0) return new Set();
      const key = `${deps.prefix}:purge:allowance:${causedBy.keyId}:${allowanceHour(now)}`;
      const admitted = (await deps.redis.eval(
        ADMIT_SCRIPT,
        1,
        key,
        String(deps.perKeyPerHour),
        String(KEY_TTL_SECONDS),
        ...requestIds,
      )) as string[];
      return new Set(admitted);
    },
  };
}

/** What {@link admitByAllowance} reads of a purge request. */
export interface AllowanceRequest {
  id: string;
  reason?: PurgeReason;
  causedBy?: PrincipalRef;
}

/**
 * Requests caused by uploads past their key's hourly allowance wait (held, planned again later);
 * the others go on to planning. Requests without a `causedBy` (API purges, purges found through
 * webhooks) are not counted here.
 */
export async function admitByAllowance<T extends AllowanceRequest>(
  allowance: PurgeAllowance,
  requests: readonly T[],
): Promise<{ admitted: T[]; overAllowance: string[] }> {
  const byKey = new Map<string, T[]>();
  for (const request of requests) {
    if (!request.causedBy || (request.reason ?? 'api') === 'api') continue;
    byKey.set(request.causedBy.keyId, [...(byKey.get(request.causedBy.keyId) ?? []), request]);
  }
  const refused = new Set<string>();
  for (const [keyId, counted] of byKey) {
    const granted = await allowance.admit(
      { keyId },
      counted.map((request) => request.id),
    );
    for (const request of counted) if (!granted.has(request.id)) refused.add(request.id);
  }
  return { admitted: requests.filter((request) => !refused.has(request.id)), overAllowance: [...refused] };
}
