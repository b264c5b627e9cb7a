import type { RequestHandler } from 'express';

/** Headers browsers may read: Uppy reads `ETag` from part uploads; clients poll `Location`; a `dedupe` upload names the asset it duplicates. */
const EXPOSED = 'ETag, Location, Retry-After, Idempotent-Replayed, Ingest-Duplicate-Of';
const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const DEFAULT_ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key';

/**
 * CORS for browser flows, for the origins in `CORS_ORIGINS` (`*` allows any). Preflights
 * (`OPTIONS` with `Access-Control-Request-Method`) are answered here, before authentication:
 * browsers never send credentials on them. Requests from other origins get no CORS headers, so
 * the browser refuses to read the answer; non-browser clients are unaffected.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler {
  const isAllowed = (origin: string) => origins.includes('*') || origins.includes(origin);
  return (req, res, next) => {
    const origin = req.headers.origin;
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (origin === undefined || origins.length === 0) {
      if (isPreflight) return void res.status(204).end();
      return next();
    }
    res.vary('Origin');
    if (isAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    }
    if (!isPreflight) return next();
    if (isAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Methods', METHODS);
      const requested = req.headers['access-control-request-headers'];
      res.setHeader('Access-Control-Allow-Headers', typeof requested === 'string' ? requested : DEFAULT_ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
