import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <api key>`. Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, so neither a key's content nor its length leaks through timing.
 */
export function requireApiKey(apiKeys: readonly string[]): RequestHandler {
  const known = apiKeys.map(digest);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const presented = match?.[1] ? digest(match[1]) : undefined;
    const isKnown = presented !== undefined && known.some((key) => timingSafeEqual(key, presented));
    if (!isKnown) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new IngestError('unauthorized', presented ? 'unknown API key' : 'missing Authorization: Bearer <api key>'));
      return;
    }
    next();
  };
}
