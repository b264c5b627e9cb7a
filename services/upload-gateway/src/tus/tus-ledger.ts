import { IngestError, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Redis } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import { completeDirectUpload, refuseUpload } from '../intake/complete-upload';
import type { Intake } from '../intake/intake';

export interface TusLedgerDeps {
  intake: Intake;
  registry: AssetRegistry;
  staging: ObjectStore;
  redis: Redis;
  prefix: string;
}

/**
 * The open tus uploads (a Redis sorted set of asset ids by creation time) and how each ends:
 * finished (checked and queued once by `completeDirectUpload`, however often it runs),
 * terminated by its client or expired (bytes removed, asset `rejected`). The gateway's routes
 * and its sweeper share it, so an upload whose finish was cut off by a crash is found again.
 */
export function createTusLedger(deps: TusLedgerDeps) {
  const openKey = `${deps.prefix}:tus:open`;
  return {
    /** Records a new upload of `asset` (`awaiting_upload`) as open. */
    record: async (asset: Asset) => void (await deps.redis.zadd(openKey, Date.parse(asset.createdAt), asset.id)),

    /**
     * The last byte arrived: check and queue the asset, once however often this runs
     * (`completed`: this call queued it).
     */
    async finish(assetId: string): Promise<{ asset: Asset; completed: boolean }> {
      const finished = await completeDirectUpload(deps, assetId);
      await deps.redis.zrem(openKey, assetId);
      return finished;
    },

    /** The client terminated the upload (DELETE): its asset ends `rejected` (`upload_incomplete`). */
    async terminate(assetId: string): Promise<void> {
      await refuseUpload(deps, assetId, new IngestError('upload_incomplete', 'the client terminated the upload'));
      await deps.redis.zrem(openKey, assetId);
    },

    /** An upload past its expiry: its bytes removed and its asset `rejected` (`upload_expired`). */
    async expire(assetId: string): Promise<void> {
      await refuseUpload(
        deps,
        assetId,
        new IngestError('upload_expired', 'the resumable upload was not finished before it expired; start a new upload'),
      );
      await deps.redis.zrem(openKey, assetId);
    },

    /** Open uploads created before `before` (ms), oldest first; all of them without it. */
    async listOpen(before = Number.POSITIVE_INFINITY): Promise<{ assetId: string; createdAt: number }[]> {
      const flat = await deps.redis.zrangebyscore(
        openKey,
        0,
        before === Number.POSITIVE_INFINITY ? '+inf' : before,
        'WITHSCORES',
      );
      const open: { assetId: string; createdAt: number }[] = [];
      for (let i = 0; i < flat.length; i += 2) open.push({ assetId: flat[i]!, createdAt: Number(flat[i + 1]) });
      return open;
    },

    /** Forgets an upload whose asset has left `awaiting_upload` some other way. */
    forget: async (assetId: string) => void (await deps.redis.zrem(openKey, assetId)),

    /** Whether `assetId` is an open tus upload (the staging janitor leaves those to the tus sweeper). */
    isOpen: async (assetId: string) => (await deps.redis.zscore(openKey, assetId)) !== null,
  };
}

export type TusLedger = ReturnType<typeof createTusLedger>;
