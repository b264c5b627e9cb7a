import type { ErrorRequestHandler, RequestHandler } from 'express';
import { IngestError, isIngestError, type ErrorBody } from '@ingestkit/contracts';
import type { Logger } from '../logger';

/** Express body-parser and similar errors carry an HTTP `status` and a `type`. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** The IngestError an error thrown in a route is answered with (body-parser and similar errors mapped by status). */
export function toHttpIngestError(err: unknown): IngestError {
  if (isIngestError(err)) return err;
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
    if (error.status >= 500) {
      logger.error({ err, code: error.code, method: req.method, url: req.originalUrl }, 'request failed');
    }
    sendError(res, error);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new IngestError('not_found', `no route for ${req.method} ${req.path}`));
};
