import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Originals } from '@ingestkit/storage';
import { principalOf } from '../http/auth';
import { defineRoute, type Route } from '../http/route';
import { assetIdParam, assetIdParameter } from './assets.routes';
import { findKeptOriginal, ORIGINAL_URL_EXPIRES_SECONDS, originalHeaders } from './original';

const sha256Header = { description: 'Hex SHA-256 of the original (absent on assets recorded before it was computed)' };

/**
 * `GET /v1/assets/:id/original`: the bytes exactly as uploaded. Originals keep their EXIF and GPS,
 * so only API keys may read them: the route takes the uploader chain only so that an upload
 * token, which is authenticated but not allowed here, gets 403 `forbidden` rather than 401.
 * From the local store the gateway streams the bytes; from S3 it redirects to a presigned GET
 * valid {@link ORIGINAL_URL_EXPIRES_SECONDS} seconds. Neither answer may be cached.
 */
export function originalRoutes(deps: { registry: AssetRegistry; originals?: Originals | undefined }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/assets/:id/original',
      summary:
        'The original exactly as uploaded, EXIF and GPS included (API keys only): its bytes from the local store, ' +
        'or a redirect to a presigned URL valid 5 minutes on S3',
      auth: 'uploader',
      parameters: [assetIdParameter],
      answers: {
        200: {
          description: 'The original (local originals store); Content-Disposition attachment, Cache-Control no-store',
          contentType: 'image/*',
          headers: {
            'Ingest-Original-SHA256': sha256Header,
            'Repr-Digest': { description: 'RFC 9530: `sha-256=:<base64 of the SHA-256>:`' },
          },
        },
        302: {
          description: 'The original is on S3: follow Location, a presigned GET valid 5 minutes (Cache-Control no-store)',
          headers: { Location: { description: 'The presigned URL' }, 'Ingest-Original-SHA256': sha256Header },
        },
      },
      errors: [
        ['forbidden', 'an upload token: originals carry EXIF and GPS, only API keys read them'],
        ['not_found', 'no asset with this id'],
        ['original_unavailable', 'no kept original: originals are off, it expired, or the asset is not delivered yet'],
      ],
      handle: async (req, res) => {
        if (principalOf(res).kind !== 'apiKey') throw new IngestError('forbidden', 'only API keys may read originals');
        const kept = await findKeptOriginal(deps, assetIdParam(req.params.id));
        const headers = originalHeaders(kept);
        res.setHeader('Cache-Control', 'private, no-store');
        const { key } = kept.original.retained;
        if (deps.originals?.signGet) {
          const sha256 = headers['Ingest-Original-SHA256'];
          if (sha256) res.setHeader('Ingest-Original-SHA256', sha256);
          res.redirect(302, await deps.originals.signGet(key, { expiresInSeconds: ORIGINAL_URL_EXPIRES_SECONDS }));
          return;
        }
        res.set({ ...headers, 'X-Content-Type-Options': 'nosniff' });
        await pipeline(await deps.originals!.store.get(key), res);
      },
    }),
  ];
}
