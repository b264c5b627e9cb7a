import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import { AssetListQuery, BulkRetryRequest, isIngestError, toIngestError, type BulkRetryResult } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { jsonBody, type IngestQueues } from '@ingestkit/runtime';
import { parseBody } from '../http/parse-body';
import { retryAsset } from '../assets/retry';

export interface AdminRoutesDeps {
  registry: AssetRegistry;
  queues: IngestQueues;
  /** Every queue Bull Board shows. */
  boardQueues: readonly Queue[];
  requireAdmin: RequestHandler;
}

/**
 * Operator routes behind the admin key: Bull Board at `/admin/queues` (jobs by state, retry,
 * clean), `GET /v1/admin/failed` (failed assets with their error, cursor pages) and
 * `POST /v1/admin/failed/retry` (re-runs failed assets from the stage that failed, in bulk).
 */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({ queues: deps.boardQueues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });
  router.use('/admin/queues', deps.requireAdmin, board.getRouter() as RequestHandler);

  router.get('/v1/admin/failed', deps.requireAdmin, async (req, res) => {
    const query = parseBody(AssetListQuery.omit({ status: true }), req.query, 'query');
    res.json(await deps.registry.list({ ...query, status: 'failed' }));
  });

  router.post('/v1/admin/failed/retry', deps.requireAdmin, jsonBody({ limit: '128kb' }), async (req, res) => {
    const body = parseBody(BulkRetryRequest, req.body ?? {}, 'bulk retry');
    const ids = body.ids ?? (await failedAssetIds(deps.registry, body.limit));
    const { retried, errors }: BulkRetryResult = { retried: [], errors: [] };
    for (const id of ids) {
      try {
        retried.push((await retryAsset(deps, id)).id);
      } catch (err) {
        const error = isIngestError(err) ? err : toIngestError(err);
        errors.push({ id, error: { code: error.code, message: error.message } });
      }
    }
    res.status(202).json({ retried, errors });
  });
  return router;
}

/** Up to `limit` failed asset ids, newest first, read in pages of the listing's maximum. */
async function failedAssetIds(registry: AssetRegistry, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await registry.list({
      status: 'failed',
      limit: Math.min(200, limit - ids.length),
      ...(cursor ? { cursor } : {}),
    });
    ids.push(...page.assets.map((asset) => asset.id));
    cursor = page.nextCursor;
  } while (cursor && ids.length < limit);
  return ids;
}
