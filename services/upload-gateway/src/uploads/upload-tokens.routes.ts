import { Router, type RequestHandler } from 'express';
import { IngestError, UploadTokenRequest, type DestinationKind, type UploadTokenResponse } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { principalOf } from '../http/auth';
import { parseBody } from '../http/parse-body';
import type { UploadTokens } from '../http/upload-token';

/**
 * `POST /v1/upload-tokens` (API key only): a backend app mints a short-lived token a browser
 * uses on the upload routes instead of an API key (see upload-token.ts).
 */
export function uploadTokenRoutes(deps: {
  tokens: UploadTokens;
  destinations: readonly DestinationKind[];
  requireApiKey: RequestHandler;
  idempotent: RequestHandler;
}) {
  const router = Router();
  const schema = UploadTokenRequest.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
    path: ['destination'],
    message: `one of ${deps.destinations.join(', ')}`,
  });
  router.post('/v1/upload-tokens', deps.requireApiKey, jsonBody({ limit: '16kb' }), deps.idempotent, (req, res) => {
    const principal = principalOf(res);
    if (principal.kind !== 'apiKey') throw new IngestError('forbidden', 'only API keys mint upload tokens');
    const { expiresInSeconds, ...limits } = parseBody(schema, req.body);
    const minted = deps.tokens.mint({ kid: principal.id, limits, expiresInSeconds });
    const body: UploadTokenResponse = { token: minted.token, expiresAt: minted.expiresAt.toISOString(), limits };
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(body);
  });
  return router;
}
