import { runService } from '@ingestkit/runtime';
import { loadPurgeServiceConfig } from './config';
import { startPurgeService } from './start';

/** Production entry point: the `cdn.purge` batcher and its metrics server; run one process per ImageKit account. */
runService({ name: 'purge-service', loadConfig: loadPurgeServiceConfig, start: startPurgeService });
