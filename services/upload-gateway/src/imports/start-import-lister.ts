import type { Queue } from 'bullmq';
import type { ImportListJob } from '@ingestkit/contracts';
import { createJobMetrics, createStageWorker, type Logger, type Redis, type Registry } from '@ingestkit/runtime';
import type { createS3Client } from '@ingestkit/storage';
import type { Intake } from '../intake/intake';
import { importLister } from './import-lister';
import { createImportStore } from './import-store';

/**
 * Starts the gateway's `import.list` worker. Decided: the listing runs in the gateway, not the
 * ingest worker, because admission lives here (intake, which names and records assets, and
 * backpressure); a page is a short job of Redis writes, and BullMQ hands a page whose gateway
 * died to another gateway (or the restarted one), which resumes from the saved continuation point.
 */
export function startImportLister(deps: {
  /** A worker connection (BullMQ blocks on it). */
  connection: Redis;
  /** A fail-fast connection for the import records. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  metrics: Registry;
  intake: Intake;
  s3: ReturnType<typeof createS3Client> | undefined;
  listQueue: Queue<ImportListJob>;
  assertBacklogBelowBound(jobs?: number): Promise<void>;
}) {
  const processor = importLister({ ...deps, store: createImportStore({ redis: deps.redis, prefix: deps.prefix }) });
  const worker = createStageWorker(processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 2,
    logger: deps.logger,
    metrics: createJobMetrics(deps.metrics),
  });
  void worker.run();
  return {
    async stop() {
      await worker.close();
      await deps.connection.quit().catch(() => deps.connection.disconnect());
    },
  };
}
