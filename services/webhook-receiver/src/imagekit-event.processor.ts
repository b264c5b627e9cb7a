import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  ImageKitDeletion,
  ImageKitFileDetails,
  IngestError,
  imagekitFileEventTypes,
  isIngestError,
  queueNames,
  type ImageKitEvent,
} from '@ingestkit/contracts';
import { requestSupersededPurge, type PurgeStore } from '@ingestkit/purge';
import { assetIdFromImageKitPath } from '@ingestkit/imagekit';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger, StageProcessor } from '@ingestkit/runtime';
import { externalAsset, externalAssetId, versionFromDetails } from './file-version';
import { eventTypeLabel, type WebhookMetrics } from './webhook-metrics';

export interface EventProcessorDeps {
  registry: AssetRegistry;
  purgeQueue: Queue;
  purges: PurgeStore;
  metrics: WebhookMetrics;
}

/**
 * `imagekit.event`: applies a verified ImageKit event to the registry. File and version events
 * record the version (the newest becomes current); when that supersedes the current version,
 * the path URL CDNs cache is queued on `cdn.purge`. Deletions are recorded on the versions,
 * which stay as history. Other event types are acknowledged and ignored. Every step is safe to
 * repeat: versions upsert by id, unknown files get a deterministic asset id, purges a
 * deterministic purge id (from the asset and the superseded version) and job ids. A new version's `asset.version.created` notification is recorded by the
 * registry in its outbox with the version; the ingest worker's relay sends it (this service runs
 * no relay).
 */
export function imagekitEventProcessor(deps: EventProcessorDeps): StageProcessor<typeof queueNames.imagekitEvent> {
  const { registry } = deps;

  /** The asset of a file: the index, else the asset id in a path the deliver stage wrote, else none. */
  async function findAsset(fileId: string, filePath?: string): Promise<string | null> {
    const indexed = await registry.findByImageKitFileId(fileId);
    if (indexed) return indexed;
    // The path the worker built (`imagekitFilePath`): found even when the webhook outruns the deliver stage's index write.
    const fromPath = filePath ? assetIdFromImageKitPath(filePath) : undefined;
    if (fromPath && (await registry.get(fromPath))) {
      await registry.indexImageKitFile(fileId, fromPath);
      return fromPath;
    }
    return null;
  }

  async function applyFileEvent(event: ImageKitEvent, logger: Logger): Promise<string> {
    const details = parse(ImageKitFileDetails, event);
    const version = versionFromDetails(details, event.created_at);
    let assetId = await findAsset(details.fileId, details.filePath);
    let action = 'version-recorded';
    if (!assetId) {
      assetId = externalAssetId(details.fileId);
      await registry.create(externalAsset(assetId, details, version)).catch((err: unknown) => {
        // A previous attempt (or a concurrent event for the same file) created it already.
        if (!(isIngestError(err) && err.code === 'conflict')) throw err;
      });
      await registry.indexImageKitFile(details.fileId, assetId);
      action = 'external-file';
    }
    logger.setBindings({ assetId });
    const { superseded } = await registry.recordVersion(assetId, version);
    if (superseded) {
      await requestSupersededPurge(
        { store: deps.purges, queue: deps.purgeQueue },
        { fileId: details.fileId, versionId: superseded.versionId, url: superseded.url, reason: 'version-superseded', assetId },
      );
      action = 'version-superseded';
    }
    logger.info({ fileId: details.fileId, versionId: version.versionId, superseded: superseded?.versionId }, 'version recorded');
    return action;
  }

  async function applyDeletion(event: ImageKitEvent, logger: Logger): Promise<string> {
    const { fileId, versionId } = parse(ImageKitDeletion, event);
    const assetId = await findAsset(fileId);
    if (!assetId) return 'unknown-file';
    logger.setBindings({ assetId });
    const deletedAt = event.created_at && Number.isFinite(Date.parse(event.created_at)) ? event.created_at : undefined;
    await registry.recordVersionDeletion(assetId, {
      ...(event.type === 'file-version.deleted' && versionId ? { versionId } : {}),
      deletedAt: new Date(deletedAt ?? Date.now()).toISOString(),
    });
    return 'deletion-recorded';
  }

  return {
    queue: queueNames.imagekitEvent,
    async process({ event }, { logger }) {
      logger.setBindings({ eventId: event.id, eventType: event.type });
      let action = 'ignored';
      if ((imagekitFileEventTypes as readonly string[]).includes(event.type)) action = await applyFileEvent(event, logger);
      else if (event.type === 'file.deleted' || event.type === 'file-version.deleted')
        action = await applyDeletion(event, logger);
      deps.metrics.events.inc({ type: eventTypeLabel(event.type), action });
    },
  };
}

function parse<S extends z.ZodType>(schema: S, event: ImageKitEvent): z.output<S> {
  const result = schema.safeParse(event.data);
  if (!result.success) {
    // Permanent: retrying cannot make the payload valid.
    throw new IngestError('bad_request', `${event.type} event ${event.id} has unexpected data: ${result.error.message}`);
  }
  return result.data;
}
