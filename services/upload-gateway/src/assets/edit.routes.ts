import type { RequestHandler } from 'express';
import { AssetMergePatch, IngestError, mergePatchContentTypes } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { jsonBody } from '@ingestkit/runtime';
import { principalOf } from '../http/auth';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import { assetIdParam, assetIdParameter } from './assets.routes';
import { etagOf, revisionsOfIfMatch } from './etag';

/** `{asset}`, as `GET /v1/assets/:id` answers it. */
const assetEnvelope = { type: 'object', required: ['asset'], properties: { asset: { $ref: '#/components/schemas/Asset' } } };

/**
 * Edits change what an asset's owner said about it, so they are for API keys: an upload token
 * authenticates (it may upload) but is not allowed here (403), like any valid credential
 * without the right.
 */
const apiKeysOnly: RequestHandler = (_req, res, next) => {
  if (principalOf(res).kind === 'uploadToken') {
    next(new IngestError('forbidden', 'upload tokens cannot change assets; use an API key'));
    return;
  }
  next();
};

/** A body is read only under a merge-patch or JSON media type; anything else is 415. */
const mergePatchOnly: RequestHandler = (req, _res, next) => {
  if (!req.is([...mergePatchContentTypes])) {
    next(
      new IngestError('unsupported_media_type', `send the patch as ${mergePatchContentTypes.join(' or ')}`, {
        details: { contentType: req.headers['content-type'] ?? null },
      }),
    );
    return;
  }
  next();
};

/**
 * `PATCH /v1/assets/:id`: a JSON merge patch (RFC 7396) of `tags` (replaced whole) and
 * `metadata` (merged; `null` removes a key), under the limits intake applies. `If-Match` with
 * the asset's ETag makes the edit conditional (412 `precondition_failed` when it changed; the
 * registry compares and writes in one atomic step); without it the patch applies to the asset
 * as it is (merge patches of different keys compose, and no edit is lost). The answer carries
 * the new ETag. The registry records `asset.updated` with the edit; for an ImageKit asset the
 * worker relays it to the file's tags and custom metadata (`imagekit.sync`).
 */
export function editRoutes(deps: { registry: AssetRegistry }): Route[] {
  return [
    defineRoute({
      method: 'patch',
      path: '/v1/assets/:id',
      summary:
        "Change an asset's tags and metadata with a JSON merge patch (application/merge-patch+json or application/json); " +
        'If-Match with its ETag guards against concurrent edits',
      auth: 'uploader',
      parameters: [
        assetIdParameter,
        {
          name: 'If-Match',
          in: 'header',
          description: 'The ETag of the asset as last read (or *): the edit applies only if it is still current',
        },
      ],
      before: [apiKeysOnly, mergePatchOnly, jsonBody({ limit: '64kb', type: [...mergePatchContentTypes] })],
      body: { contentType: 'application/merge-patch+json', schema: AssetMergePatch, required: true },
      answers: {
        200: {
          description: 'The asset as edited',
          body: assetEnvelope,
          headers: { ETag: { description: 'The new ETag of the asset' } },
        },
      },
      errors: [
        [
          'bad_request',
          'a field other than tags and metadata, an invalid tag, metadata past the limits, or a malformed If-Match',
        ],
        ['forbidden', 'an upload token (edits need an API key)'],
        ['not_found', 'no asset with this id'],
        ['conflict', 'the asset is deleted'],
        ['precondition_failed', 'If-Match does not name the current ETag: fetch the asset again'],
        ['unsupported_media_type', 'not application/merge-patch+json or application/json'],
      ],
      handle: async (req, res) => {
        const id = assetIdParam(req.params.id);
        const ifRevisions = revisionsOfIfMatch(req.get('if-match'));
        const patch = parseBody(AssetMergePatch, req.body, 'merge patch (only tags and metadata can change)');
        const asset = await deps.registry.edit(id, { patch, ifRevisions });
        res.setHeader('ETag', etagOf(asset));
        res.json({ asset });
      },
    }),
  ];
}
