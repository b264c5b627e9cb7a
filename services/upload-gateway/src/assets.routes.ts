import { Router, type RequestHandler } from 'express';
import { IngestError, isAssetId } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';

/** `GET /v1/assets/:id`: status, original, output, error and per-stage timings. */
export function assetRoutes(deps: { registry: AssetRegistry; requireAuth: RequestHandler }): Router {
  const router = Router();
  router.get('/v1/assets/:id', deps.requireAuth, async (req, res) => {
    const id = String(req.params.id);
    const asset = isAssetId(id) ? await deps.registry.get(id) : null;
    if (!asset) throw new IngestError('not_found', `asset ${id} does not exist`);
    res.json({ asset });
  });
  return router;
}
