import './request-locals';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { IngestError, type PrincipalRef } from '@ingestkit/contracts';
import { bearerToken, createKeyMatcher } from './key-matcher';
import { UPLOAD_TOKEN_PREFIX, type UploadTokenClaims, type UploadTokens } from './upload-token';

/**
 * Who is calling. `id` names the API key without revealing it (a digest prefix); an upload
 * token carries the id of the key that minted it, so limits per key cover its tokens too.
 */
export type Principal = { kind: 'apiKey'; id: string } | { kind: 'uploadToken'; id: string; claims: UploadTokenClaims };

/** The principal as recorded on what it causes (assets, purges): its key's id, and its token's id. */
export function principalRef(principal: Principal): PrincipalRef {
  return principal.kind === 'uploadToken' ? { keyId: principal.id, tokenId: principal.claims.jti } : { keyId: principal.id };
}

/** The caller of an authenticated route (set by the auth middlewares). */
export function principalOf(res: Response): Principal {
  const { principal } = res.locals;
  if (!principal) throw new IngestError('internal_error', 'route has no authentication middleware');
  return principal;
}

/**
 * `Authorization: Bearer <api key>` everywhere, and on the upload routes also
 * `Bearer <upload token>`. Keys are compared in constant time (`createKeyMatcher`).
 */
export function createAuth(options: { apiKeys: readonly string[]; tokens: UploadTokens }) {
  const matchKey = createKeyMatcher(options.apiKeys);
  const keyIdOf = (hash: Buffer) => hash.toString('hex').slice(0, 16);
  const configuredKeyIds = options.apiKeys.map((key) => Buffer.from(keyIdOf(createHash('sha256').update(key).digest())));
  // A token dies with its minting key: its `kid` must name a key still in API_KEYS. Every id is
  // compared (no early exit), each in constant time; ids are 16 hex digits, so lengths match.
  const isConfiguredKeyId = (kid: string) => {
    const presented = Buffer.from(kid);
    let found = false;
    for (const id of configuredKeyIds) found = (id.length === presented.length && timingSafeEqual(id, presented)) || found;
    return found;
  };
  const refuse = (res: Response, message: string) => {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return new IngestError('unauthorized', message);
  };
  const matchApiKey = (presented: string): Principal | undefined => {
    const hash = matchKey(presented);
    return hash ? { kind: 'apiKey', id: keyIdOf(hash) } : undefined;
  };

  const requireApiKey: RequestHandler = (req, res, next) => {
    const presented = bearerToken(req.headers.authorization);
    const principal = presented === undefined ? undefined : matchApiKey(presented);
    if (!principal) {
      const isToken = presented?.startsWith(UPLOAD_TOKEN_PREFIX);
      next(
        refuse(
          res,
          isToken
            ? 'upload tokens are accepted on upload routes only; this route needs an API key'
            : presented
              ? 'unknown API key'
              : 'missing Authorization: Bearer <api key>',
        ),
      );
      return;
    }
    res.locals.principal = principal;
    next();
  };

  /** An API key or an upload token; `token` lets a route take the token from elsewhere (a path segment). */
  const requireUploader: RequestHandler = (req, res, next) => {
    const presented = bearerToken(req.headers.authorization);
    if (presented?.startsWith(UPLOAD_TOKEN_PREFIX)) {
      try {
        const claims = options.tokens.verify(presented);
        if (!isConfiguredKeyId(claims.kid))
          throw new IngestError('unauthorized', 'the API key that minted this upload token is no longer configured');
        res.locals.principal = { kind: 'uploadToken', id: claims.kid, claims } satisfies Principal;
        next();
      } catch (err) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        next(err);
      }
      return;
    }
    requireApiKey(req, res, next);
  };

  return { requireApiKey, requireUploader, principalIdOfKey: (apiKey: string) => matchApiKey(apiKey)?.id };
}

export type Auth = ReturnType<typeof createAuth>;
