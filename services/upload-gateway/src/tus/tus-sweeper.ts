import { toIngestError } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Logger } from '@ingestkit/runtime';
import { runPeriodically } from '../intake/periodic-task';
import type { TusDataStore, TusUpload } from './tus-library';
import type { TusLedger } from './tus-ledger';
import type { TusMetrics } from './tus-metrics';
import { tusIds } from './tus-uploads';

export interface TusSweeperDeps {
  ledger: TusLedger;
  datastore: TusDataStore;
  registry: AssetRegistry;
  expireAfterSeconds: number;
  metrics?: TusMetrics;
  logger: Logger;
}

export interface TusSweepResult {
  /** Uploads whose bytes had all arrived but whose asset was still waiting (the finish was cut off): queued now. */
  completed: number;
  /** Uploads not finished before their expiry: bytes removed, asset `rejected` (`upload_expired`). */
  expired: number;
}

/**
 * Ends what no request will: an open tus upload whose last byte arrived but whose asset was
 * never queued (the gateway died between the two, or the finish failed) is completed, once,
 * like the finish hook would (`completeDirectUpload` is idempotent); an upload not finished
 * `expireAfterSeconds` after its creation expires. Runs at start and then periodically.
 */
export function createTusSweeper(deps: TusSweeperDeps) {
  const expireAfterMs = deps.expireAfterSeconds * 1000;

  async function sweepOne(assetId: string, createdAt: number, result: TusSweepResult): Promise<void> {
    const asset = await deps.registry.get(assetId);
    if (asset?.status !== 'awaiting_upload') return deps.ledger.forget(assetId);
    const upload: TusUpload | undefined = await deps.datastore.getUpload(tusIds.uploadIdOf(assetId)).catch(() => undefined);
    if (upload && upload.size !== undefined && upload.offset === upload.size) {
      if ((await deps.ledger.finish(assetId)).completed) {
        deps.metrics?.count('completed');
        result.completed++;
      }
      return;
    }
    if (createdAt + expireAfterMs > Date.now()) return;
    await deps.datastore.remove(tusIds.uploadIdOf(assetId)).catch(() => undefined);
    await deps.ledger.expire(assetId);
    deps.metrics?.count('expired');
    result.expired++;
  }

  return {
    async sweep(): Promise<TusSweepResult> {
      const result: TusSweepResult = { completed: 0, expired: 0 };
      for (const { assetId, createdAt } of await deps.ledger.listOpen()) {
        await sweepOne(assetId, createdAt, result).catch((err: unknown) =>
          deps.logger.warn({ err: toIngestError(err), assetId }, 'tus sweep: could not settle an upload'),
        );
      }
      return result;
    },
  };
}

/** Sweeps once now (the boot check) and then every `everySeconds`; returns `stop`. */
export function startTusSweeper(deps: TusSweeperDeps & { everySeconds: number }): { stop(): Promise<void> } {
  const sweeper = createTusSweeper(deps);
  const run = async () => {
    const result = await sweeper.sweep();
    if (result.completed + result.expired > 0) deps.logger.info(result, 'tus sweep settled uploads');
  };
  let first: Promise<void> = run().catch((err: unknown) =>
    deps.logger.warn({ err: toIngestError(err) }, 'tus sweep at start failed; it runs again'),
  );
  const periodic = runPeriodically(deps.everySeconds * 1000, run, { logger: deps.logger, failure: 'tus sweep failed' });
  return {
    stop: async () => {
      await first;
      first = Promise.resolve();
      await periodic.stop();
    },
  };
}
