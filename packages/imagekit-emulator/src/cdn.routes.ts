import { Router, type Request, type Response } from 'express';
import { type EmulatorContext } from './context';
import { type VersionRecord } from './file-store';
import { purgeCovers } from './purge-rules';

interface CachedResponse {
  bytes: Buffer;
  mime: string;
  cachedAt: number;
}

/** Options for the fake CDN. */
export interface CdnOptions {
  /** Cache the first response per URL until a completed purge covers it (see `EmulatorOptions.cdnCache`). */
  cache: boolean;
}

/**
 * The fake CDN at `<urlEndpoint>/<filePath>`: serves the current version's bytes with its Content-Type,
 * or a given version with `?ik-obj-version=`. `?updatedAt=`, `?tr=` and a leading `tr:` path segment are
 * accepted and ignored (no transformations happen). Private files need a signed URL (`?ik-s=`, not verified).
 */
export function cdnRoutes(ctx: EmulatorContext, options: CdnOptions): Router {
  const router = Router();
  const cache = new Map<string, CachedResponse>();
  const prefix = `/${ctx.imagekitId}/`;

  router.get(/.*/, (req: Request, res: Response, next) => {
    if (!req.path.startsWith(prefix)) return next();
    const key = req.originalUrl.slice(prefix.length - 1);
    const cached = options.cache ? fresh(ctx, cache.get(key), key) : undefined;
    if (cached) return send(res, cached, 'HIT');

    const filePath = decodeURIComponent(req.path.slice(prefix.length - 1)).replace(/^\/tr:[^/]*/, '');
    const file = ctx.store.findByPath(filePath);
    const objectVersion = typeof req.query['ik-obj-version'] === 'string' ? req.query['ik-obj-version'] : undefined;
    const version: VersionRecord | undefined =
      file &&
      (objectVersion === undefined
        ? ctx.store.current(file)
        : file.versions.find((candidate) => candidate.objectVersion === objectVersion));
    if (!file || !version) {
      res.status(404).type('text').send('Not Found');
      return;
    }
    if (version.isPrivateFile && req.query['ik-s'] === undefined) {
      res.status(401).type('text').send('Unauthorized: this file is private, use a signed URL');
      return;
    }
    const entry: CachedResponse = { bytes: version.bytes, mime: version.media.mime, cachedAt: Date.now() };
    if (options.cache) cache.set(key, entry);
    send(res, entry, 'MISS');
  });
  return router;
}

/** A cached entry unless a purge that covers `key` has completed since it was cached. */
function fresh(ctx: EmulatorContext, entry: CachedResponse | undefined, key: string): CachedResponse | undefined {
  if (!entry) return undefined;
  const now = Date.now();
  const purged = ctx.purges
    .list()
    .some(
      (purge) =>
        purge.completesAt.getTime() > entry.cachedAt &&
        purge.completesAt.getTime() <= now &&
        purgeCovers(purge.path, purge.isWildcard, key),
    );
  return purged ? undefined : entry;
}

function send(res: Response, entry: CachedResponse, cacheStatus: 'HIT' | 'MISS'): void {
  res.setHeader('Content-Type', entry.mime);
  res.setHeader('Cache-Control', 'public, max-age=31536000');
  res.setHeader('X-Cache', cacheStatus);
  res.end(entry.bytes);
}
