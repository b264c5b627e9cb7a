import { IngestError, queueNames, type Asset, type AssetStatus, type Notification } from '@ingestkit/contracts';
import { CONTENT_HASH_FIELD, type ImageKitAdapter } from '@ingestkit/imagekit';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import type { Queue } from 'bullmq';

export interface ImageKitSyncDeps {
  registry: AssetRegistry;
  /** The ImageKit account; absent when this worker delivers to no ImageKit. */
  imagekit: ImageKitAdapter | undefined;
}

/** Statuses on the way to delivery: the deliver stage may have read the tags before the edit. */
const inFlight: readonly AssetStatus[] = ['queued', 'validating', 'optimizing', 'delivering'];

/** How long a sync waits for an asset on its way to ImageKit before it looks again. */
const IN_FLIGHT_DEFER_MS = 5_000;

/**
 * `imagekit.sync`: makes an ImageKit file's tags and custom metadata what its asset's are,
 * after an edit (`PATCH /v1/assets/:id`). It reads the asset when it runs, so it always pushes
 * the latest edit, and repeating it is harmless (ImageKit's update sets values, it does not
 * add to them). Tags are replaced whole; metadata keys the file has and the asset no longer
 * does are unset (`null`), except ingestkit's own content-hash field. An asset still on its way
 * (queued … delivering) is looked at again later: its delivery may carry the tags from before
 * the edit. One not at ImageKit (rejected, failed, deleted, another destination) needs nothing:
 * a failed asset retried later is delivered with its current tags.
 */
export function imagekitSyncProcessor(deps: ImageKitSyncDeps): StageProcessor<typeof queueNames.imagekitSync> {
  return {
    queue: queueNames.imagekitSync,
    async process({ assetId }, { logger }) {
      const asset = await deps.registry.get(assetId);
      if (!asset || asset.destination !== 'imagekit') return undefined;
      if (inFlight.includes(asset.status)) return { deferMs: IN_FLIGHT_DEFER_MS };
      const fileId = asset.status === 'ready' ? asset.output?.imagekit?.fileId : undefined;
      if (!fileId) return undefined;
      if (!deps.imagekit) throw new IngestError('dependency_unavailable', 'this worker has no ImageKit account configured');
      const file = await deps.imagekit.getFileDetails(fileId);
      const unset = Object.keys(file.customMetadata ?? {}).filter(
        (name) => name !== CONTENT_HASH_FIELD && !Object.hasOwn(asset.metadata, name),
      );
      await deps.imagekit.updateFileDetails(fileId, {
        tags: asset.tags,
        customMetadata: { ...asset.metadata, ...Object.fromEntries(unset.map((name) => [name, null])) },
      });
      logger.info({ fileId, revision: asset.revision }, 'ImageKit tags and custom metadata synced');
      return undefined;
    },
  };
}

/**
 * What the outbox relay adds besides the notification: the `imagekit.sync` job of an
 * `asset.updated` of an ImageKit asset. Driven by the outbox, it is added at least once for
 * every edit the registry recorded, even if the gateway died right after the write.
 */
export async function enqueueImageKitSync(queue: Queue, notification: Notification): Promise<void> {
  const asset: Asset = notification.data.asset;
  if (notification.type !== 'asset.updated' || asset.destination !== 'imagekit') return;
  await enqueueStage(queue, { version: 1, assetId: asset.id, revision: asset.revision ?? 0 });
}
