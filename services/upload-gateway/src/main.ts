import { createLogger, installGracefulShutdown } from '@ingestkit/runtime';
import { loadGatewayConfig } from './config';
import { startGateway } from './start';

/** Production entry point of the upload gateway: one process, one service. */
async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const logger = createLogger({ name: 'upload-gateway', level: config.logLevel });
  const gateway = await startGateway(config, logger);
  installGracefulShutdown({ logger, deadlineMs: config.shutdownTimeoutMs, steps: gateway.shutdownSteps });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
