import { toIngestError, type Asset } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import type { KeptOriginals } from './kept-originals';

export interface RetentionSweeperDeps {
  registry: AssetRegistry;
  kept: KeptOriginals;
  logger: Logger;
  /** Index entries read per round (default 100). */
  batchSize?: number;
}

export interface RetentionSweepResult {
  /** Originals removed (and their assets' `original.retained` cleared). */
  expired: number;
  /** Entries whose asset holds a later expiry (kept again since), moved to it. */
  rescheduled: number;
  /** Entries left for the next sweep: their asset is being delivered right now. */
  deferred: number;
}

/**
 * Removes originals past `ORIGINALS_RETENTION_DAYS`, reading the due entries of the retention
 * index (never a scan of the assets). For each: the original's objects are deleted (the asset's
 * whole originals prefix, so a copy the asset never recorded goes too), then the asset's
 * `original.retained` is cleared, then the entry is removed — each step idempotent, so a sweep
 * cut short by a crash, or two workers sweeping at once, only repeat harmless work. An asset
 * whose recorded expiry is later than the entry's (kept again) gets its entry moved; an asset in
 * `delivering` is left for the next sweep, since its delivery may be keeping the original now.
 */
export function createRetentionSweeper(deps: RetentionSweeperDeps) {
  const { registry, kept } = deps;
  const batchSize = deps.batchSize ?? 100;

  async function expire(assetId: string, asset: Asset | null, now: number): Promise<void> {
    await kept.originals.store.deletePrefix(kept.originals.prefixOf(assetId));
    const original = asset?.original;
    if (original?.retained) {
      const { retained: _expired, ...rest } = original;
      await registry.update(assetId, { original: rest });
    }
    await kept.index.removeIfDue(assetId, now);
  }

  return {
    async sweep(now: number = Date.now()): Promise<RetentionSweepResult> {
      const result: RetentionSweepResult = { expired: 0, rescheduled: 0, deferred: 0 };
      const deferred = new Set<string>();
      for (;;) {
        const due = (await kept.index.due(now, batchSize + deferred.size)).filter((id) => !deferred.has(id));
        if (due.length === 0) return result;
        for (const assetId of due) {
          const asset = await registry.get(assetId);
          const retained = asset?.original?.retained;
          if (asset?.status === 'delivering') {
            deferred.add(assetId);
            result.deferred++;
          } else if (retained && (retained.expiresAt === undefined || Date.parse(retained.expiresAt) > now)) {
            // Kept again since the entry was written (or now for ever): the asset's own record wins.
            if (retained.expiresAt) await kept.index.add(assetId, retained.expiresAt);
            else await kept.index.removeIfDue(assetId, now);
            result.rescheduled++;
          } else {
            await expire(assetId, asset, now);
            result.expired++;
          }
        }
      }
    },
  };
}

/**
 * Runs the sweeper once at start and then every `everySeconds`, in the background (the timer
 * does not keep the process alive); a failed run is logged and the next comes as usual. `stop`
 * ends the timer and waits for a run in progress.
 */
export function startRetentionSweeper(deps: RetentionSweeperDeps & { everySeconds: number }): { stop(): Promise<void> } {
  const sweeper = createRetentionSweeper(deps);
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return; // a long sweep is still going: skip this tick
    running = sweeper
      .sweep()
      .then(
        (result) => {
          if (result.expired + result.rescheduled > 0) deps.logger.info(result, 'retention sweeper removed expired originals');
        },
        (err: unknown) => deps.logger.warn({ err: toIngestError(err) }, 'originals retention sweep failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, deps.everySeconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
