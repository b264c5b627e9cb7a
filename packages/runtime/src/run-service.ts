import { ConfigError, type Env } from './config';
import { createLogger, type Logger } from './logger';
import { installGracefulShutdown, type ShutdownStep } from './shutdown';

export interface ServiceDefinition<
  C extends { logLevel: Parameters<typeof createLogger>[0]['level']; shutdownTimeoutMs: number },
> {
  name: string;
  loadConfig(env: Env): C;
  start(config: C, logger: Logger): Promise<{ shutdownSteps: ShutdownStep[] }>;
}

/**
 * The `main.ts` of every service: load config (exit 1 with every bad key named), start, and
 * shut down gracefully on SIGTERM/SIGINT. A failure at boot prints one line and exits 1.
 */
export function runService<C extends { logLevel: Parameters<typeof createLogger>[0]['level']; shutdownTimeoutMs: number }>(
  service: ServiceDefinition<C>,
  env: Env = process.env,
): void {
  const boot = async () => {
    const config = service.loadConfig(env);
    const logger = createLogger({ name: service.name, level: config.logLevel });
    const running = await service.start(config, logger);
    installGracefulShutdown({ logger, deadlineMs: config.shutdownTimeoutMs, steps: running.shutdownSteps });
  };
  boot().catch((err: unknown) => {
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${service.name}: ${message}\n`);
    process.exit(1);
  });
}
