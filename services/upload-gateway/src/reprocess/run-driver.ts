import { stageJobOptions, toIngestError, type Asset } from '@ingestkit/contracts';
import { enqueueStage, type Logger } from '@ingestkit/runtime';
import { reprocessAsset, type ReprocessDeps } from './reprocess-asset';
import type { RunRecord, RunStore } from './run-store';

export interface RunDriverDeps extends ReprocessDeps {
  store: RunStore;
  logger: Logger;
  /** Most assets of one run in the pipeline at once (`REPROCESS_MAX_IN_FLIGHT`). */
  maxInFlight: number;
  /** Assets per listing page. */
  pageSize?: number;
  /** An in-flight asset still `queued` this long after its claim gets its validate job added again (a no-op if it has one). */
  requeueAfterMs?: number;
  /** How long one driver holds a run (it renews it every tick); a dead driver's run is taken over after it. */
  lockMs?: number;
  /**
   * Whether new uploads wait in an ingest queue (jobs without a priority): a tick then starts
   * nothing, so a burst of uploads is not met by more reprocess work. Default: never.
   */
  uploadsWaiting?(): Promise<boolean>;
}

type Verdict = { done: true } | { failed: string } | { start: true } | { requeue: true } | { wait: true };

/**
 * Where an in-flight asset of the run stands. The asset's `reprocessing.runId` is written by the
 * same transition that starts its reprocess, so an asset without this run's id was never
 * started (the driver died between claiming and starting it) and is started now: never twice.
 */
function verdictOf(asset: Asset | null, runId: string, claimedAt: number, requeueAfterMs: number): Verdict {
  if (!asset) return { failed: 'not_found' };
  const ours = asset.reprocessing?.runId === runId;
  if ((asset.status as string) === 'deleted') return { failed: 'conflict' };
  if (!ours) return { start: true };
  if (asset.status === 'ready') return asset.reprocessing?.completedAt ? { done: true } : { wait: true };
  if (asset.status === 'failed' || asset.status === 'rejected') return { failed: asset.error?.code ?? 'internal_error' };
  if (asset.status === 'queued' && Date.now() - claimedAt > requeueAfterMs) return { requeue: true };
  return { wait: true };
}

/**
 * Drives reprocess runs: each tick, per run, counts the in-flight assets that finished, then
 * tops the run up to `maxInFlight` from its pending assets, listing the registry's next page
 * (its cursor saved with the page) when none is pending. One driver at a time per run (a lock
 * renewed each tick); every move of an asset is atomic in the run store, so a driver killed at
 * any point and started again (or another gateway taking over) resumes without starting an asset
 * twice or counting one twice. A cancelled run starts nothing more and settles what is in flight.
 */
export function createRunDriver(deps: RunDriverDeps) {
  const pageSize = deps.pageSize ?? 200;
  const requeueAfterMs = deps.requeueAfterMs ?? 30_000;
  const lockMs = deps.lockMs ?? 15_000;

  async function start(run: RunRecord, assetId: string): Promise<void> {
    try {
      await reprocessAsset(deps, { assetId, request: run.request, runId: run.id });
    } catch (err) {
      const error = toIngestError(err);
      if (error.retryable) throw error; // Redis or a store is down: the next tick tries again
      await deps.store.settle(run.id, assetId, { failed: error.code });
    }
  }

  async function settleInFlight(run: RunRecord): Promise<number> {
    const inFlight = await deps.store.inFlight(run.id);
    const verdicts = await Promise.all(
      inFlight.map(async ({ assetId, claimedAt }) => ({
        assetId,
        verdict: verdictOf(await deps.registry.get(assetId), run.id, claimedAt, requeueAfterMs),
      })),
    );
    let still = 0;
    for (const { assetId, verdict } of verdicts) {
      if ('done' in verdict || 'failed' in verdict) await deps.store.settle(run.id, assetId, verdict);
      else if ('start' in verdict) {
        if (run.isCancelled) await deps.store.release(run.id, assetId);
        else {
          await start(run, assetId);
          still += 1;
        }
      } else {
        if ('requeue' in verdict) {
          const asset = await deps.registry.get(assetId);
          if (asset) await enqueueStage(deps.validateQueue, { version: 1, assetId }, stageJobOptions(asset));
        }
        still += 1;
      }
    }
    return still;
  }

  /** Lists the next page into `pending`; false when the listing is over. */
  async function listPage(run: RunRecord): Promise<boolean> {
    if (run.isListed) return false;
    const page = await deps.registry.list({ ...run.filter, limit: pageSize, ...(run.cursor ? { cursor: run.cursor } : {}) });
    await deps.store.savePage(run.id, {
      ...(run.cursor ? { from: run.cursor } : {}),
      ...(page.nextCursor ? { next: page.nextCursor } : {}),
      assetIds: page.assets.map((asset) => asset.id),
    });
    return true;
  }

  async function tick(runId: string): Promise<void> {
    let run = await deps.store.get(runId);
    if (!run) return void (await deps.store.finish(runId));
    let inFlight = await settleInFlight(run);
    const yieldToUploads = inFlight < deps.maxInFlight && (await deps.uploadsWaiting?.()) === true;
    while (!run.isCancelled && !yieldToUploads && inFlight < deps.maxInFlight) {
      const assetId = await deps.store.claim(runId);
      if (assetId) {
        await start(run, assetId);
        inFlight += 1;
        continue;
      }
      if (!(await listPage(run))) break;
      run = (await deps.store.get(runId)) ?? run;
    }
    const after = await deps.store.get(runId);
    const isOver = after && (after.isCancelled ? inFlight === 0 : after.isListed && after.done + after.failed === after.total);
    if (after && isOver) {
      await deps.store.finish(runId);
      deps.logger.info({ runId, total: after.total, done: after.done, failed: after.failed }, 'reprocess run finished');
    }
  }

  return {
    /** One tick of every run this gateway can take. */
    async driveAll(): Promise<void> {
      for (const runId of await deps.store.running()) {
        const token = await deps.store.lock(runId, lockMs);
        if (!token) continue;
        try {
          await tick(runId);
        } finally {
          await deps.store.unlock(runId, token);
        }
      }
    },
  };
}
export type RunDriver = ReturnType<typeof createRunDriver>;
