import { Router, type RequestHandler } from 'express';
import { AssetListQuery, IngestError, isAssetId, type AssetPage } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { IngestQueues } from '@ingestkit/runtime';
import { parseBody } from '../http/parse-body';
import { retryAsset } from './retry';

function assetIdParam(value: unknown): string {
  const id = String(value);
  if (!isAssetId(id)) throw new IngestError('not_found', `asset ${id} does not exist`);
  return id;
}

/**
 * `GET /v1/assets` (newest first, filtered as `AssetListQuery` says, cursor pages),
 * `GET /v1/assets/:id` (status, original, output, error, timings) and `POST /v1/assets/:id/retry`.
 */
export function assetRoutes(deps: {
  registry: AssetRegistry;
  queues: IngestQueues;
  requireAuth: RequestHandler;
  idempotent: RequestHandler;
}): Router {
  const router = Router();
  router.get('/v1/assets', deps.requireAuth, async (req, res) => {
    const query = parseBody(AssetListQuery, req.query, 'query');
    const page: AssetPage = await deps.registry.list(query);
    res.json(page);
  });
  router.get('/v1/assets/:id', deps.requireAuth, async (req, res) => {
    const id = assetIdParam(req.params.id);
    const asset = await deps.registry.get(id);
    if (!asset) throw new IngestError('not_found', `asset ${id} does not exist`);
    res.json({ asset });
  });
  router.post('/v1/assets/:id/retry', deps.requireAuth, deps.idempotent, async (req, res) => {
    const asset = await retryAsset(deps, assetIdParam(req.params.id));
    res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
  });
  return router;
}
