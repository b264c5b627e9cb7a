import type { RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import { isCrossSiteStateChange } from './cross-site';
import { bearerToken, createKeyMatcher } from './key-matcher';

/**
 * The admin routes (Bull Board, bulk retries) take an admin key: `Authorization: Bearer <key>`
 * for scripts, or HTTP Basic with the key as the password, so a browser can open Bull Board (it
 * prompts for it). Keys compare as in `createKeyMatcher`.
 *
 * CSRF: a browser replays cached Basic credentials on any request to this origin, a plain
 * cross-site form POST included, so a state-changing request authenticated by Basic must come
 * from the gateway's own pages (`isCrossSiteStateChange`; 403 `forbidden` otherwise). Bearer
 * keys are never attached by a browser on its own, so scripts are unaffected.
 */
export function requireAdminKey(adminKeys: readonly string[]): RequestHandler {
  const matchKey = createKeyMatcher(adminKeys);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const bearer = bearerToken(header);
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const presented = bearer ?? password;
    if (presented && matchKey(presented)) {
      if (bearer === undefined && isCrossSiteStateChange(req)) {
        next(
          new IngestError('forbidden', 'a state-changing admin request from another site (CSRF) is refused', {
            details: { secFetchSite: req.headers['sec-fetch-site'], origin: req.headers.origin },
          }),
        );
        return;
      }
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
