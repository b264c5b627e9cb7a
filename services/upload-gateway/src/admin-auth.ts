import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The admin routes (Bull Board, bulk retries) take an admin key: `Authorization: Bearer <key>`
 * for scripts, or HTTP Basic with the key as the password, so a browser can open Bull Board (it
 * prompts for it). Keys compare as SHA-256 digests with `timingSafeEqual`.
 */
export function requireAdminKey(adminKeys: readonly string[]): RequestHandler {
  const known = adminKeys.map(digest);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const presented = bearer ?? password;
    if (presented && known.some((key) => timingSafeEqual(key, digest(presented)))) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="ingestkit admin", charset="UTF-8"');
    next(
      new IngestError(
        'unauthorized',
        presented ? 'unknown admin key' : 'this route needs an admin key (Bearer, or Basic with the key as password)',
      ),
    );
  };
}
