import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { createHttpMetrics } from '../metrics';
import { createErrorHandler, notFoundHandler } from './error-handler';

/** A named readiness check: resolves when the dependency answers, rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * The express bootstrap every service shares: request log line and RED metrics (by route
 * template), `/healthz` (the process is alive), `/readyz` (every dependency answers) and
 * `/metrics`. Mount routes on the returned app, then call `finishHttpApp`.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(observeRequests(deps));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(deps.readiness.map((check) => runCheck(check)));
    const isReady = results.every((result) => result.ok);
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'unavailable', checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return app;
}

/** Adds the JSON 404 and error handlers; call after mounting every route. */
export function finishHttpApp(app: Express, logger: Logger): Express {
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), READINESS_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true };
  } catch (err) {
    return { name: check.name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

function observeRequests(deps: HttpAppDeps): RequestHandler {
  const metrics = createHttpMetrics(deps.registry);
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const seconds = (performance.now() - started) / 1000;
      const statusClass = `${Math.floor(res.statusCode / 100)}xx`;
      metrics.requests.inc({ method: req.method, route, status_class: statusClass });
      metrics.duration.observe({ method: req.method, route }, seconds);
      if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
      deps.logger.info(
        {
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          assetId: res.locals.assetId,
        },
        'request',
      );
    });
    next();
  };
}
