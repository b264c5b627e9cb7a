'use strict';
// The upload gateway's production entry for bench/reprocess.js, with a local originals store
// under DATA_DIR/kept (what ORIGINALS_STORE=local provides once it exists): the gateway reads
// kept originals from it to reprocess.

const path = require('node:path');
const { runService } = require('@ingestkit/runtime');
const { createLocalStore } = require('@ingestkit/storage');
const { loadGatewayConfig, startGateway } = require('@ingestkit/upload-gateway');

runService({
  name: 'upload-gateway',
  loadConfig: loadGatewayConfig,
  start: (config, logger) =>
    startGateway(config, logger, { originals: createLocalStore({ root: path.join(config.stores.dataDir, 'kept') }) }),
});
