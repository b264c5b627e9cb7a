import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { AssetListQuery, BulkRetryRequest, BulkRetryResult, isIngestError, toIngestError } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { jsonBody, type IngestQueues } from '@ingestkit/runtime';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import { retryAsset } from '../assets/retry';

export interface AdminRoutesDeps {
  registry: AssetRegistry;
  queues: IngestQueues;
  /** Every queue Bull Board shows. */
  boardQueues: readonly Queue[];
}

/** The failed-asset listing: every filter of `GET /v1/assets` but the status, which is `failed`. */
const FailedListQuery = AssetListQuery.omit({ status: true });

/** The admin chain refuses a state-changing request sent by another site's page. */
const CSRF = ['forbidden', 'a state-changing request from another site (CSRF) is refused'] as const;

/**
 * Operator routes behind the admin key: Bull Board at `/admin/queues` (jobs by state, retry,
 * clean), `GET /v1/admin/failed` (failed assets with their error, cursor pages) and
 * `POST /v1/admin/failed/retry` (re-runs failed assets from the stage that failed, in bulk).
 */
export function adminRoutes(deps: AdminRoutesDeps): Route[] {
  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({ queues: deps.boardQueues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });
  return [
    defineRoute({
      method: 'get',
      path: '/admin/queues',
      summary: 'Bull Board: jobs of every queue by state, with retry and clean (a browser UI)',
      auth: 'admin',
      subApp: true,
      answers: { 200: { description: 'The Bull Board page', contentType: 'text/html' } },
      handle: board.getRouter() as RequestHandler,
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/failed',
      summary: 'Failed assets (retries exhausted), newest first, with their error',
      auth: 'admin',
      query: FailedListQuery,
      answers: { 200: { description: 'A page of failed assets', body: { component: 'AssetPage' } } },
      errors: [['bad_request', 'an invalid filter, limit or cursor']],
      handle: async (req, res) => {
        const query = parseBody(FailedListQuery, req.query, 'query');
        res.json(await deps.registry.list({ ...query, status: 'failed' }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/failed/retry',
      summary: 'Re-run failed assets from the stage that failed: the given ids, else up to `limit` (100) of the newest',
      auth: 'admin',
      body: { contentType: 'application/json', schema: BulkRetryRequest, required: false },
      before: [jsonBody({ limit: '128kb' })],
      answers: { 202: { description: 'The assets queued again, and per-asset errors', body: BulkRetryResult } },
      errors: [['bad_request', 'an invalid body'], CSRF],
      handle: async (req, res) => {
        const body = parseBody(BulkRetryRequest, req.body ?? {}, 'bulk retry');
        res.status(202).json(await retryFailedAssets(deps, body.ids ?? (await failedAssetIds(deps.registry, body.limit))));
      },
    }),
  ];
}

/** Retries each asset; one that cannot be retried is reported with its error, the others go on. */
async function retryFailedAssets(
  deps: { registry: AssetRegistry; queues: IngestQueues },
  ids: readonly string[],
): Promise<BulkRetryResult> {
  const result: BulkRetryResult = { retried: [], errors: [] };
  for (const id of ids) {
    try {
      result.retried.push((await retryAsset(deps, id)).id);
    } catch (err) {
      const error = isIngestError(err) ? err : toIngestError(err);
      result.errors.push({ id, error: { code: error.code, message: error.message } });
    }
  }
  return result;
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
