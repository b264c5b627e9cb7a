import { IngestError, UploadTokenRequest, type DestinationKind, type UploadTokenResponse } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { principalOf } from '../http/auth';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import type { UploadTokens } from '../http/upload-token';

/**
 * `POST /v1/upload-tokens` (API key only): a backend app mints a short-lived token a browser
 * uses on the upload routes instead of an API key (see upload-token.ts).
 */
export function uploadTokenRoutes(deps: { tokens: UploadTokens; destinations: readonly DestinationKind[] }): Route[] {
  const schema = UploadTokenRequest.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
    path: ['destination'],
    message: `one of ${deps.destinations.join(', ')}`,
  });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/upload-tokens',
      summary: 'Mint a short-lived upload token for a browser (API keys only)',
      auth: 'apiKey',
      body: { contentType: 'application/json', schema: { component: 'UploadTokenRequest' } },
      before: [jsonBody({ limit: '16kb' })],
      idempotent: true,
      answers: {
        201: {
          description: 'The token and its limits (not cached: Cache-Control no-store)',
          body: { component: 'UploadTokenResponse' },
        },
      },
      errors: [
        ['bad_request', 'invalid limits, a destination this gateway does not serve, or overwrite without a folder'],
        ['unauthorized', 'no API key (upload tokens cannot mint tokens)'],
      ],
      handle: (req, res) => {
        const principal = principalOf(res);
        if (principal.kind !== 'apiKey') throw new IngestError('forbidden', 'only API keys mint upload tokens');
        const { expiresInSeconds, ...limits } = parseBody(schema, req.body);
        const minted = deps.tokens.mint({ kid: principal.id, limits, expiresInSeconds });
        const body: UploadTokenResponse = { token: minted.token, expiresAt: minted.expiresAt.toISOString(), limits };
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json(body);
      },
    }),
  ];
}
