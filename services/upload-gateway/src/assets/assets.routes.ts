import { AssetListQuery, assetIdPattern, IngestError, isAssetId, type AssetPage } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { IngestQueues } from '@ingestkit/runtime';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route, type RouteParameter } from '../http/route';
import { retryAsset } from './retry';

/** `:id` of the asset routes; an id of another shape names no asset (404, like an unknown one). */
export const assetIdParameter: RouteParameter = {
  name: 'id',
  in: 'path',
  description: 'An asset id (`ast_…`)',
  schema: { type: 'string', pattern: assetIdPattern.source },
};

/** `{asset}`, the answer of the routes about one asset. */
const assetEnvelope = { type: 'object', required: ['asset'], properties: { asset: { $ref: '#/components/schemas/Asset' } } };

/** The `:id` of an asset route; `not_found` for anything that is not an asset id. */
export function assetIdParam(value: unknown): string {
  const id = String(value);
  if (!isAssetId(id)) throw new IngestError('not_found', `asset ${id} does not exist`);
  return id;
}

/**
 * `GET /v1/assets` (newest first, filtered as `AssetListQuery` says, cursor pages),
 * `GET /v1/assets/:id` (status, original, output, error, timings) and `POST /v1/assets/:id/retry`.
 */
export function assetRoutes(deps: { registry: AssetRegistry; queues: IngestQueues }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/assets',
      summary:
        'List assets, newest first, filtered by status, folder, tag, policy, destination or creation time (all must hold); ' +
        'follow nextCursor until it is absent (a filtered page may be short)',
      auth: 'apiKey',
      query: AssetListQuery,
      answers: { 200: { description: 'A page of assets', body: { component: 'AssetPage' } } },
      errors: [['bad_request', 'an invalid filter, limit or cursor']],
      handle: async (req, res) => {
        const query = parseBody(AssetListQuery, req.query, 'query');
        const page: AssetPage = await deps.registry.list(query);
        res.json(page);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/assets/:id',
      summary: 'An asset: status, original, output, error and per-stage timings',
      auth: 'apiKey',
      parameters: [assetIdParameter],
      answers: { 200: { description: 'The asset', body: assetEnvelope } },
      errors: [['not_found', 'no asset with this id']],
      handle: async (req, res) => {
        const id = assetIdParam(req.params.id);
        const asset = await deps.registry.get(id);
        if (!asset) throw new IngestError('not_found', `asset ${id} does not exist`);
        res.json({ asset });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/assets/:id/retry',
      summary: 'Re-run a failed asset from the stage that failed',
      auth: 'apiKey',
      parameters: [assetIdParameter],
      idempotent: true,
      answers: {
        202: {
          description: 'Queued again; poll the Location',
          body: { component: 'AssetAccepted' },
          headers: { Location: { description: '/v1/assets/{id}' } },
        },
      },
      errors: [
        ['not_found', 'no asset with this id'],
        ['conflict', 'only failed assets can be retried (rejected ones never succeed), or the asset changed meanwhile'],
      ],
      handle: async (req, res) => {
        const asset = await retryAsset(deps, assetIdParam(req.params.id));
        res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
      },
    }),
  ];
}
