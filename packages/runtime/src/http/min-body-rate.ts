import type { Request, RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import type { BodyRateSettings } from '../config/http-edge-env';
import type { Logger } from '../logger';

/** Whether `bytes` received over `elapsedMs` are fewer than the rate asks for. */
export function isBelowRate(bytes: number, elapsedMs: number, rate: BodyRateSettings): boolean {
  return bytes < (rate.minBytesPerSecond * elapsedMs) / 1000;
}

/** Whether the request announces a body (a length above 0, or chunks). */
function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Cuts a request whose body arrives slower than `rate` over each window (a slow-body attack,
 * or a link too poor to finish): the connection is destroyed, so whatever was streaming the
 * body fails and cleans up as on a client abort. Bytes are counted on the socket, not by
 * listening to the body (that would take the body from its route). A window in which the
 * gateway itself did not read (bytes wait in the stream's buffer: the store was slow) does not
 * count against the client. Mounted once for every route of a service, so every flow that
 * receives bytes, and any added later, is covered.
 */
export function minBodyRate(rate: BodyRateSettings, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const socket = req.socket;
    let lastBytes = socket.bytesRead;
    const timer = setInterval(() => {
      const bytes = socket.bytesRead - lastBytes;
      lastBytes = socket.bytesRead;
      if (req.complete || socket.destroyed) return void clearInterval(timer);
      const isWaitingOnUs = req.readableLength > 0 || socket.readableLength > 0 || socket.isPaused();
      if (isWaitingOnUs || !isBelowRate(bytes, rate.windowMs, rate)) return;
      clearInterval(timer);
      logger.warn(
        { method: req.method, url: req.originalUrl, bytes, windowMs: rate.windowMs },
        'request body slower than the minimum rate: connection cut',
      );
      req.destroy(
        new IngestError('timeout', 'the request body arrived slower than the minimum rate', {
          details: { minBytesPerSecond: rate.minBytesPerSecond, windowMs: rate.windowMs },
        }),
      );
    }, rate.windowMs);
    timer.unref();
    const stop = () => clearInterval(timer);
    res.once('close', stop);
    req.once('end', stop);
    next();
  };
}
