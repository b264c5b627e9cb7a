import { runService } from '@ingestkit/runtime';
import { loadIngestWorkerConfig } from './config';
import { startIngestWorker } from './start';

/** Production entry point: the three ingest stages in one process; scale by adding processes. */
runService({ name: 'ingest-worker', loadConfig: loadIngestWorkerConfig, start: startIngestWorker });
