import { IngestError } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';

// All-or-nothing: `want` more bytes are reserved only if the total stays within the cap.
const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
return 1`;

// A part landed: it replaces the part of the same number, whose bytes (and what this request
// reserved beyond what it wrote) are released. Runs after the store has the part.
const COMMIT = `
local old = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('DECRBY', KEYS[1], old + tonumber(ARGV[3]) - tonumber(ARGV[2]))
return old`;

// Declared part sizes only grow (a URL signed for a larger size stays valid), so their sum
// bounds what the parts can hold whatever URL each one was uploaded with.
const DECLARE = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local size = tonumber(ARGV[2])
if size <= current then return 1 end
local total = 0
for _, value in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(value) end
if total - current + size > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** How long one part upload may hold its part number against a concurrent upload of the same part. */
const PART_LOCK_MS = 30 * 60 * 1000;

/**
 * The byte accounting of open multipart uploads, in Redis so that every gateway replica and
 * every concurrent part request of one upload share it. Per upload (by asset id):
 *
 * - `bytes`: bytes reserved = the parts stored (each part number counted once, at its current
 *   size) + what part requests in flight have reserved. A part request reserves before it
 *   writes (its declared `Content-Length`, else chunk by chunk as the bytes arrive), so the
 *   bytes on disk never exceed `bytes`, and `bytes` never exceeds the upload's cap.
 * - `parts`: the stored size of each part number (a re-sent part releases its old size only
 *   once it has replaced it: both are on disk while it streams).
 * - `declared`: the largest size declared for each part number (S3 part URLs pin it).
 * - one lock per part number while a request uploads it, so the store's replace order and the
 *   accounting's agree.
 *
 * A request that dies without releasing leaves its reservation counted: the upload can then
 * take fewer bytes, never more. The keys go with the session (`forget`).
 */
export function createPartBudget(deps: { redis: Redis; prefix: string }) {
  const base = (assetId: string) => `${deps.prefix}:multipart:${assetId}`;
  const keys = (assetId: string) => ({
    bytes: `${base(assetId)}:bytes`,
    parts: `${base(assetId)}:parts`,
    declared: `${base(assetId)}:declared`,
  });
  const lockKey = (assetId: string, partNumber: number) => `${base(assetId)}:lock:${partNumber}`;

  return {
    /** Bytes of `cap` not yet reserved. */
    async remaining(assetId: string, cap: number): Promise<number> {
      return cap - Number((await deps.redis.get(keys(assetId).bytes)) ?? 0);
    },

    /** Reserves `bytes` more if they fit under `cap`; answers whether they did. */
    async reserve(assetId: string, bytes: number, cap: number): Promise<boolean> {
      if (bytes === 0) return true;
      return (await deps.redis.eval(RESERVE, 1, keys(assetId).bytes, bytes, cap)) === 1;
    },

    /** Gives back bytes reserved and not kept (a failed or cut part). */
    async release(assetId: string, bytes: number): Promise<void> {
      if (bytes > 0) await deps.redis.decrby(keys(assetId).bytes, bytes);
    },

    /** Records part `partNumber` as stored with `bytes`, having reserved `reserved` for it. */
    async commit(assetId: string, partNumber: number, bytes: number, reserved: number): Promise<void> {
      const { bytes: used, parts } = keys(assetId);
      await deps.redis.eval(COMMIT, 2, used, parts, partNumber, bytes, reserved);
    },

    /**
     * Records that part `partNumber` may be `bytes` long (an S3 URL pins it), or throws
     * `payload_too_large` when the declared sizes of all parts would exceed `cap`.
     */
    async declare(assetId: string, partNumber: number, bytes: number, cap: number): Promise<void> {
      if ((await deps.redis.eval(DECLARE, 1, keys(assetId).declared, partNumber, bytes, cap)) !== 1) {
        throw new IngestError(
          'payload_too_large',
          `part ${partNumber} of ${bytes} bytes would take the upload past its limit of ${cap} bytes`,
          {
            details: { maxBytes: cap, partNumber, bytes },
          },
        );
      }
    },

    /** Holds part `partNumber` for one upload request; `false` when another request holds it. */
    async lockPart(assetId: string, partNumber: number): Promise<boolean> {
      return (await deps.redis.set(lockKey(assetId, partNumber), '1', 'PX', PART_LOCK_MS, 'NX')) === 'OK';
    },

    async unlockPart(assetId: string, partNumber: number): Promise<void> {
      await deps.redis.del(lockKey(assetId, partNumber));
    },

    /** Drops the upload's accounting (completed, aborted or swept). */
    async forget(assetId: string): Promise<void> {
      const { bytes, parts, declared } = keys(assetId);
      await deps.redis.del(bytes, parts, declared);
    },
  };
}

export type PartBudget = ReturnType<typeof createPartBudget>;
