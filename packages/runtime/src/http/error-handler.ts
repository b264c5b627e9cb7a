import type { ErrorRequestHandler, RequestHandler } from 'express';
import { IngestError, isIngestError, type ErrorBody } from '@ingestkit/contracts';
import type { Logger } from '../logger';
import { isRedisOutOfMemoryError, isRedisUnavailableError } from '../redis';

/** Express body-parser and similar errors carry an HTTP `status` and a `type`. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * The IngestError an error thrown in a route is answered with: body-parser and similar errors
 * mapped by status, and a Redis that cannot be reached or is full (`maxmemory`), from any route
 * or middleware (rate limits, idempotency keys…), 503 `dependency_unavailable`, never a 500.
 */
export function toHttpIngestError(err: unknown): IngestError {
  if (isIngestError(err)) return err;
  if (isRedisUnavailableError(err)) {
    return new IngestError('dependency_unavailable', 'Redis is unavailable; retry later', {
      details: { dependency: 'redis', retryAfterSeconds: 1 },
      cause: err,
    });
  }
  if (isRedisOutOfMemoryError(err)) {
    return new IngestError('dependency_unavailable', 'Redis is full (maxmemory); retry later', {
      details: { dependency: 'redis', reason: 'out_of_memory', retryAfterSeconds: 5 },
      cause: err,
    });
  }
  const httpErr = err as HttpLikeError;
  const status = httpErr?.status ?? httpErr?.statusCode;
  if (status === 413) return new IngestError('payload_too_large', 'request body is too large');
  if (status === 415) return new IngestError('unsupported_media_type', httpErr.message ?? 'unsupported media type');
  if (status !== undefined && status >= 400 && status < 500 && httpErr.expose !== false) {
    return new IngestError('bad_request', httpErr.message ?? 'bad request');
  }
  return new IngestError('internal_error', 'internal error', { cause: err });
}

export function sendError(res: Parameters<RequestHandler>[1], error: IngestError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details) body.error.details = error.details;
  if (typeof error.details?.retryAfterSeconds === 'number') {
    res.setHeader('Retry-After', String(Math.ceil(error.details.retryAfterSeconds)));
  }
  res.status(error.status).json(body);
}

/** The only place that turns an error into an HTTP status and the JSON error body. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toHttpIngestError(err);
    const isRefusal = error.retryable && error.code !== 'internal_error';
    if (error.status >= 500 && !isRefusal) {
      logger.error({ err, code: error.code, method: req.method, url: req.originalUrl }, 'request failed');
    } else if (error.status >= 500) {
      // Load shedding and outages the caller is told to retry (backlog_full, dependency_unavailable,
      // storage_full…): one line without a stack, so a busy hour does not bury real errors.
      logger.warn({ code: error.code, err: error.message, method: req.method, url: req.originalUrl }, 'request refused');
    }
    sendError(res, error);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new IngestError('not_found', `no route for ${req.method} ${req.path}`));
};
