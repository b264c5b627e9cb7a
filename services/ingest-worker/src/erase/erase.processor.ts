import type { Queue } from 'bullmq';
import { IngestError, purgeIdFrom, queueNames, stagingKeys, type Asset, type DestinationKind } from '@ingestkit/contracts';
import { requestPurge, type PurgeStore } from '@ingestkit/purge';
import type { AssetRegistry } from '@ingestkit/registry';
import type { StageProcessor } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from '../destinations/destination';
import type { KeptOriginals } from '../originals/kept-originals';
import { removeKeptOriginal } from './kept-original';

export interface EraseDeps {
  registry: AssetRegistry;
  staging: ObjectStore;
  destinations: Partial<Record<DestinationKind, Destination>>;
  /** Where the plain URLs a CDN may hold are queued for purging (`cdn.purge`); the worker always has it (tests without a CDN may not). */
  purges?: { store: PurgeStore; queue: Queue };
  /** Where originals are kept (`ORIGINALS_STORE` other than `off`; see `removeKeptOriginal`). */
  originals?: KeptOriginals | undefined;
}

/**
 * `ingest.erase`: removes what a deleted asset left, after the registry recorded its tombstone
 * (`DELETE /v1/assets/:id`, or ImageKit reporting the file deleted): the main output and every
 * variant at the destination (`Destination.remove`), its staging objects, its kept original,
 * and queues a purge of the plain URLs a CDN may still serve. Only tombstones are erased: the
 * job of an asset in any other status does nothing. Every step is idempotent (what is gone is
 * skipped, the purge id derives from the asset), so a retried or repeated job is harmless, and
 * since no move leaves `deleted` no stage can put the asset back afterwards; a deliver job that
 * placed files while the asset was being deleted removes them itself (stages/deleted-meanwhile.ts).
 */
export function eraseProcessor(deps: EraseDeps): StageProcessor<typeof queueNames.erase> {
  return {
    queue: queueNames.erase,
    async process({ assetId }, { logger }) {
      const asset = await deps.registry.get(assetId);
      if (!asset || asset.status !== 'deleted') {
        logger.info({ status: asset?.status ?? 'absent' }, 'asset is not deleted; nothing to erase');
        return;
      }
      const destination = deps.destinations[asset.destination];
      if (!destination) {
        throw new IngestError('dependency_unavailable', `destination "${asset.destination}" is not configured on this worker`);
      }
      await destination.remove({ asset, ...(asset.output ? { output: asset.output } : {}) });
      await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
      await removeKeptOriginal(deps.originals, assetId);
      const urls = plainUrls(asset);
      if (deps.purges && urls.length > 0) {
        await requestPurge(deps.purges, {
          id: purgeIdFrom(`deleted ${assetId}`),
          urls,
          reason: 'deleted',
          assetId,
          ...(asset.deletedBy ? { causedBy: asset.deletedBy } : {}),
        });
      }
      logger.info({ purged: urls.length }, 'deleted asset erased');
    },
  };
}

/**
 * The URLs a CDN may still serve the asset's bytes under once they are gone: ImageKit's plain
 * file URL, the one a cache may hold for the path (the `?updatedAt=` URLs handed out are
 * versioned and, like the purge planner, not purged one by one). Local and S3 URLs carry a content `?v=` and are
 * served immutable: the purge service reaches ImageKit only, so a CDN of your own in front of
 * the S3 bucket keeps them until it evicts them (see the README). An overwriting asset's path
 * is purged too: if a later upload owns it now, the CDN fetches that upload's bytes again.
 */
function plainUrls(asset: Asset): string[] {
  const url = asset.output?.imagekit ? asset.output.url : undefined;
  if (!url) return [];
  const plain = new URL(url);
  plain.search = '';
  plain.hash = '';
  return [plain.toString()];
}
