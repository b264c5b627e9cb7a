import type { Queue } from 'bullmq';
import { jobIdFor, lifecycle, queueNames, stagingKeys, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import { runPeriodically } from './periodic-task';

export interface StagingJanitorDeps {
  staging: ObjectStore;
  registry: AssetRegistry;
  validateQueue: Queue;
  /** Nothing younger than this is touched: uploads and stages in progress are left alone. */
  orphanAfterSeconds: number;
  /** `awaiting_upload` assets created longer ago than this (URL lifetime + grace) expire. */
  expireAwaitingAfterSeconds: number;
  /** Whether the asset is a multipart upload's (left to the multipart sweeper, which aborts it itself). */
  hasMultipartSession(assetId: string): Promise<boolean>;
  logger: Logger;
}

export interface SweepResult {
  /** Temp files of writes whose process died. */
  abandonedWrites: number;
  /** Staging objects of assets that were never created, or that ended ready or rejected. */
  orphanObjects: number;
  /** `queued` assets whose validate job was never added (the gateway died in between), marked failed. */
  stranded: number;
  /** Direct uploads never completed: `awaiting_upload` past their URL's expiry and the grace, rejected. */
  expiredUploads: number;
}

const STAGING_ROOT = 'staging/';
const CLEANED_UP: readonly Asset['status'][] = ['ready', 'rejected'];

/**
 * Finishes what a process killed at the wrong moment left undone, so a crash never leaves
 * staging growing or an asset waiting forever:
 * - temp files of writes cut off mid-upload (the local store's `.tmp`);
 * - `staging/<id>/` of an asset that does not exist (the gateway died after storing the upload
 *   and before recording it: the client got no 202 and will upload again) or that is `ready` or
 *   `rejected` (its worker died before removing it);
 * - `queued` assets without their validate job (the gateway died, or Redis filled up, between
 *   the two writes): their client got no 202, so they are not processed behind its back (it
 *   may have uploaded again) but marked `failed` at the `upload` stage. The same request
 *   retried (an upload or job with its Idempotency-Key, or a completion) revives such an
 *   asset (`Intake.requeueIfStranded`), and so does `POST /retry`.
 * Only what has not changed for `orphanAfterSeconds` is touched. Failed assets keep their
 * staging for the retry.
 *
 * It also expires direct uploads never completed: an `awaiting_upload` asset created more than
 * `expireAwaitingAfterSeconds` ago (the URL's lifetime plus `AWAITING_UPLOAD_GRACE_SECONDS`) is
 * `rejected` with `upload_expired` and its staging removed. Multipart uploads are the
 * multipart sweeper's.
 */
export function createStagingJanitor(deps: StagingJanitorDeps) {
  const orphanAfterMs = deps.orphanAfterSeconds * 1000;

  async function sweepOrphanObjects(cutoff: number): Promise<number> {
    const newest = new Map<string, number>();
    for (const object of await deps.staging.list(STAGING_ROOT)) {
      const assetId = object.key.slice(STAGING_ROOT.length).split('/')[0]!;
      newest.set(assetId, Math.max(newest.get(assetId) ?? 0, object.lastModified?.getTime() ?? Date.now()));
    }
    let removed = 0;
    for (const [assetId, lastModified] of newest) {
      if (lastModified >= cutoff) continue;
      const asset = await deps.registry.get(assetId);
      if (asset && !CLEANED_UP.includes(asset.status)) continue;
      removed += await deps.staging.deletePrefix(stagingKeys.prefix(assetId));
    }
    return removed;
  }

  async function expireAwaitingUploads(now: number): Promise<number> {
    const cutoff = now - deps.expireAwaitingAfterSeconds * 1000;
    let expired = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.registry.list({ status: 'awaiting_upload', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const asset of page.assets) {
        if (Date.parse(asset.createdAt) >= cutoff || (await deps.hasMultipartSession(asset.id))) continue;
        // Reject first (guarded): a completion racing this one either won (the staging is kept) or finds it rejected.
        const rejected = await deps.registry.transition(asset.id, {
          ...lifecycle.uploadRefused,
          patch: {
            error: {
              code: 'upload_expired',
              message: 'the upload was not completed before its URL expired; start a new upload',
              stage: 'upload',
            },
          },
        });
        if (!rejected) continue;
        await deps.staging.deletePrefix(stagingKeys.prefix(asset.id));
        expired++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return expired;
  }

  async function failStranded(cutoff: number): Promise<number> {
    let failed = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.registry.list({ status: 'queued', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const asset of page.assets) {
        if (Date.parse(asset.updatedAt) >= cutoff) continue;
        const payload = { version: 1 as const, assetId: asset.id };
        if ((await deps.validateQueue.getJobState(jobIdFor(queueNames.validate, payload))) !== 'unknown') continue;
        const marked = await deps.registry.transition(asset.id, {
          ...lifecycle.stranded,
          patch: {
            error: {
              code: 'dependency_unavailable',
              message: 'the gateway stopped before queueing this upload, and its client was not told it was accepted',
              stage: 'upload',
            },
          },
        });
        if (marked) failed++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return failed;
  }

  return {
    async sweep(): Promise<SweepResult> {
      const cutoff = Date.now() - orphanAfterMs;
      return {
        abandonedWrites: (await deps.staging.sweepAbandonedWrites?.(orphanAfterMs)) ?? 0,
        orphanObjects: await sweepOrphanObjects(cutoff),
        stranded: await failStranded(cutoff),
        expiredUploads: await expireAwaitingUploads(Date.now()),
      };
    },
  };
}

/** Runs the janitor every `orphanAfterSeconds / 2` (at least 1 s, at most 5 min); returns `stop`. */
export function startStagingJanitor(deps: StagingJanitorDeps): { stop(): Promise<void> } {
  const janitor = createStagingJanitor(deps);
  const everyMs = Math.min(300_000, Math.max(1_000, (deps.orphanAfterSeconds * 1000) / 2));
  return runPeriodically(
    everyMs,
    async () => {
      const result = await janitor.sweep();
      if (result.abandonedWrites + result.orphanObjects + result.stranded + result.expiredUploads > 0) {
        deps.logger.info(result, 'staging janitor cleaned up after crashed processes and expired uploads');
      }
    },
    { logger: deps.logger, failure: 'staging janitor sweep failed' },
  );
}
