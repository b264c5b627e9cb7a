import { z } from 'zod';
import { AssetId, NotificationType, notificationId, type Notification } from '@ingestkit/contracts';
import { decodeAsset } from './asset-hash';

/**
 * The notification outbox of the Redis registry. The registry's Lua scripts `LPUSH` an entry
 * onto `pending` in the same script that changes the asset, so an event and the notification it
 * implies are recorded together or not at all. The relay (`createOutboxRelay`) moves entries to
 * `processing`, enqueues them, and removes them. Entries are pushed whether or not notifications
 * are enabled; the relay drops them when they are off.
 */
export function outboxKeys(prefix: string): { pending: string; processing: string } {
  return { pending: `${prefix}:outbox`, processing: `${prefix}:outbox:processing` };
}

/**
 * One outbox entry as the Lua scripts write it (`cjson`): the event, its discriminator (the
 * per-asset `notifySeq` counter for status events, the version id for version events), the
 * asset's `updatedAt` at the event, and the asset hash as it was right after the change.
 */
export const OutboxEntry = z.object({
  type: NotificationType,
  assetId: AssetId,
  discriminator: z.string().min(1),
  at: z.iso.datetime(),
  asset: z.record(z.string(), z.string()),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** The notification of a raw outbox entry; the same entry always gives the same notification id. */
export function notificationFromOutbox(raw: string): Notification {
  const entry = OutboxEntry.parse(JSON.parse(raw));
  return {
    id: notificationId({ assetId: entry.assetId, type: entry.type, discriminator: entry.discriminator }),
    type: entry.type,
    createdAt: entry.at,
    data: { asset: decodeAsset(entry.asset) },
  };
}

/**
 * Lua: `push_outbox(assetKey, outboxKey, type, discriminator)` pushes the entry for the asset as
 * it is now. Prepended to the scripts that record events.
 */
export const PUSH_OUTBOX_LUA = `
local function push_outbox(asset_key, outbox_key, type, discriminator)
  local flat = redis.call('HGETALL', asset_key)
  local asset = {}
  for i = 1, #flat, 2 do asset[flat[i]] = flat[i + 1] end
  asset['notifySeq'] = nil
  redis.call('LPUSH', outbox_key, cjson.encode({
    type = type, assetId = asset['id'], discriminator = discriminator, at = asset['updatedAt'], asset = asset,
  }))
end
`;
