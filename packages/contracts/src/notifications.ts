import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Asset } from './asset';
import type { AssetId } from './ids';

/**
 * What backend apps are told about: an asset reached a terminal status (`ready`, `rejected`,
 * `failed`, `deleted`), its file at the destination got a new version (fed by ImageKit webhooks),
 * or its tags or metadata were changed (`PATCH /v1/assets/:id`: `asset.updated`).
 */
export const NotificationType = z.enum([
  'asset.ready',
  'asset.rejected',
  'asset.failed',
  'asset.version.created',
  'asset.deleted',
  'asset.updated',
]);
export type NotificationType = z.infer<typeof NotificationType>;

/** `ntf_` and 32 hex characters: a valid BullMQ custom job id and Standard Webhooks `webhook-id`. */
export const NotificationId = z.string().regex(/^ntf_[0-9a-f]{32}$/, 'not a notification id');
export type NotificationId = z.infer<typeof NotificationId>;

/**
 * The body POSTed to `NOTIFY_URL`, signed with Standard Webhooks. `data.asset` is the asset as
 * it was when the event happened (recorded atomically with it), not as it is on delivery.
 */
export const Notification = z.object({
  id: NotificationId,
  type: NotificationType,
  /** When the event happened (the asset's `updatedAt` at that moment), not when it was sent. */
  createdAt: z.iso.datetime(),
  data: z.object({ asset: Asset }),
});
export type Notification = z.infer<typeof Notification>;

/**
 * The id of one event, deterministic so that recording or relaying it twice yields the same id
 * (and, as the job id, the same job): the asset, the type and a discriminator that tells two
 * events of the same type apart — the version id for `asset.version.created`, and for status
 * events a per-asset counter the registry increments atomically with the transition.
 */
export function notificationId(input: { assetId: AssetId; type: NotificationType; discriminator: string }): NotificationId {
  const digest = createHash('sha256').update(`${input.assetId}\n${input.type}\n${input.discriminator}`).digest('hex');
  return `ntf_${digest.slice(0, 32)}`;
}
