import { createLogger, installGracefulShutdown } from '@ingestkit/runtime';
import { loadIngestWorkerConfig } from './config';
import { startIngestWorker } from './start';

/** Production entry point: the three ingest stages in one process; scale by adding processes. */
async function main(): Promise<void> {
  const config = loadIngestWorkerConfig(process.env);
  const logger = createLogger({ name: 'ingest-worker', level: config.logLevel });
  const worker = await startIngestWorker(config, logger);
  installGracefulShutdown({ logger, deadlineMs: config.shutdownTimeoutMs, steps: worker.shutdownSteps });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
