import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * The `s3Events` chain: the S3 events token (`Authorization: Bearer <token>`, or the bare token
 * as MinIO sends it), else an API key through `requireApiKey`. Without a configured token
 * (`S3_EVENTS_TOKEN`) only API keys may post events. The token compares by SHA-256 digest in
 * constant time.
 */
export function requireS3EventsToken(deps: { token: string | undefined; requireApiKey: RequestHandler }): RequestHandler {
  const expected = deps.token ? createHash('sha256').update(deps.token).digest() : undefined;
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? header;
    if (expected && presented) {
      const digest = createHash('sha256').update(presented).digest();
      if (timingSafeEqual(digest, expected)) {
        res.locals.principal = { kind: 'apiKey', id: 's3-events' };
        next();
        return;
      }
    }
    deps.requireApiKey(req, res, next);
  };
}
