import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** A pino JSON logger; one per process, children per service and per request/job. */
export function createLogger(options: { name: string; level?: LevelWithSilent }): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
