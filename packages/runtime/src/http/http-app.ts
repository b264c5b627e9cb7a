import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { createHttpMetrics } from '../metrics';
import type { HttpEdgeSettings } from '../config/http-edge-env';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { minBodyRate } from './min-body-rate';
import { operationalRoutes, type OperationalPath } from './operational-routes';

/** A named readiness check: resolves when the dependency answers, rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  /**
   * The service's `httpEdgeFromEnv` settings: request bodies slower than `minBodyRate` are cut
   * (`UPLOAD_MIN_KIB_PER_SECOND`), and `/metrics` answers only `Authorization: Bearer
   * <metricsToken>` (`METRICS_TOKEN`). Absent: no minimum rate, open metrics.
   */
  edge?: Pick<HttpEdgeSettings, 'minBodyRate' | 'metricsToken'>;
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * The express bootstrap every service shares: request log line and RED metrics (by route
 * template), `/healthz` (the process is alive), `/readyz` (every dependency answers) and
 * `/metrics` (behind a bearer token when one is configured), and the minimum body rate for
 * every route. Mount routes on the returned app, then call `finishHttpApp`. The three routes are
 * described as data in `operationalRoutes` (a service's API document lists them from there).
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(observeRequests(deps));
  if (deps.edge?.minBodyRate) app.use(minBodyRate(deps.edge.minBodyRate, deps.logger));

  const handlers: Record<OperationalPath, RequestHandler[]> = {
    '/healthz': [
      (_req, res) => {
        res.json({ status: 'ok' });
      },
    ],
    '/readyz': [
      async (_req, res) => {
        const results = await Promise.all(deps.readiness.map((check) => runCheck(check)));
        const isReady = results.every((result) => result.ok);
        res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'unavailable', checks: results });
      },
    ],
    '/metrics': [
      metricsAuth(deps.edge?.metricsToken),
      async (_req, res) => {
        res.setHeader('Content-Type', deps.registry.contentType);
        res.send(await deps.registry.metrics());
      },
    ],
  };
  for (const route of operationalRoutes(deps.edge)) app[route.method](route.path, ...handlers[route.path]);
  return app;
}

/** Adds the JSON 404 and error handlers; call after mounting every route. */
export function finishHttpApp(app: Express, logger: Logger): Express {
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

/** Bearer auth for `/metrics`, comparing digests in constant time; a no-op without a token. */
function metricsAuth(token: string | undefined): RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(token);
  return (req, res, next) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    next(new IngestError('unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>'));
  };
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
