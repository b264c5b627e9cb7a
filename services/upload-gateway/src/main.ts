import { runService } from '@ingestkit/runtime';
import { loadGatewayConfig } from './config';
import { startGateway } from './start';

/** Production entry point of the upload gateway: one process, one service. */
runService({ name: 'upload-gateway', loadConfig: loadGatewayConfig, start: startGateway });
