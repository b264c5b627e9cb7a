import type { Response } from 'express';
import {
  IngestError,
  isAssetId,
  newReprocessRunId,
  ReprocessRequest,
  ReprocessRunAccepted,
  ReprocessRunId,
  ReprocessRunRequest,
  reprocessRunIdFrom,
  reprocessRunIdPattern,
} from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { assetIdParameter } from '../assets/assets.routes';
import { principalOf, principalRef } from '../http/auth';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route, type RouteParameter, type RouteAnswer } from '../http/route';
import { reprocessAsset, type ReprocessDeps } from './reprocess-asset';
import type { RunStore } from './run-store';
import { viewRun } from './run-view';

export interface ReprocessRoutesDeps extends ReprocessDeps {
  store: RunStore;
  assertQueueAvailable(): Promise<void>;
}

const runIdParameter: RouteParameter = {
  name: 'id',
  in: 'path',
  description: 'A reprocess run id (`rpr_…`)',
  schema: { type: 'string', pattern: reprocessRunIdPattern.source },
};

const runAnswer = (description: string): RouteAnswer => ({ description, body: ReprocessRunAccepted });

/**
 * Reprocessing re-derives delivered assets from their kept originals: upload tokens are refused
 * (403) even where they authenticate, since it changes what every viewer of an asset is served.
 */
function requireApiKeyCaller(res: Response): void {
  if (principalOf(res).kind !== 'apiKey') {
    throw new IngestError('forbidden', 'upload tokens cannot reprocess assets; use an API key');
  }
}

/** The run a request stands for: named after its Idempotency-Key when it has one, so a retry finds it. */
function runIdFor(res: Response): string {
  const seed = res.locals.idempotencySeed;
  return typeof seed === 'string' ? reprocessRunIdFrom(seed) : newReprocessRunId();
}

/**
 * `POST /v1/assets/:id/reprocess`, and bulk runs: `POST /v1/reprocess` (a filter and a target
 * policy), `GET /v1/reprocess/:id` and `POST /v1/reprocess/:id/cancel` (a POST like the imports'
 * cancel: the run stays readable with its counts). The runs are driven by `run-driver.ts`.
 */
export function reprocessRoutes(deps: ReprocessRoutesDeps): Route[] {
  const findRun = async (raw: unknown) => {
    const id = ReprocessRunId.safeParse(raw);
    const record = id.success ? await deps.store.get(id.data) : null;
    if (!record) throw new IngestError('not_found', `reprocess run ${String(raw)} does not exist`);
    return record;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/v1/assets/:id/reprocess',
      summary:
        'Re-run validate, optimize and deliver from the kept original, optionally under another policy or overrides; ' +
        'the new outputs get new URLs, the old ones are removed once the asset is ready again',
      auth: 'uploader',
      parameters: [assetIdParameter],
      idempotent: true,
      before: [jsonBody({ limit: '16kb' })],
      body: { contentType: 'application/json', schema: ReprocessRequest, required: false },
      answers: {
        202: {
          description: 'Queued (below new uploads); poll the Location',
          body: { component: 'AssetAccepted' },
          headers: { Location: { description: '/v1/assets/{id}' } },
        },
      },
      errors: [
        ['bad_request', 'an invalid policy name or override'],
        ['forbidden', 'an upload token: only API keys may reprocess'],
        ['not_found', 'no asset with this id'],
        ['conflict', 'the asset is in progress, rejected or deleted, or changed meanwhile'],
        ['original_unavailable', 'no original was kept for the asset (ORIGINALS_STORE=off, expired, or never delivered)'],
      ],
      handle: async (req, res) => {
        requireApiKeyCaller(res);
        const request = parseBody(ReprocessRequest, req.body, 'reprocess request');
        const id = String(req.params.id);
        if (!isAssetId(id)) throw new IngestError('not_found', `asset ${id} does not exist`);
        await deps.assertQueueAvailable();
        const asset = await reprocessAsset(deps, { assetId: id, request });
        res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/reprocess',
      summary:
        'Reprocess every asset matching a filter under a policy, as a run: at lower priority than new uploads, ' +
        'a bounded number at a time, each asset once',
      auth: 'uploader',
      idempotent: true,
      before: [jsonBody({ limit: '16kb' })],
      body: { contentType: 'application/json', schema: ReprocessRunRequest },
      answers: {
        202: {
          ...runAnswer('The run, started; poll the Location'),
          headers: { Location: { description: '/v1/reprocess/{id}' } },
        },
      },
      errors: [
        ['bad_request', 'an invalid filter, policy name or override'],
        ['forbidden', 'an upload token: only API keys may reprocess'],
        ['dependency_unavailable', 'Redis is down; retry later'],
      ],
      handle: async (req, res) => {
        requireApiKeyCaller(res);
        const { filter, ...request } = parseBody(ReprocessRunRequest, req.body, 'reprocess run');
        await deps.assertQueueAvailable();
        const id = runIdFor(res);
        await deps.store.create({
          id,
          filter,
          request,
          createdBy: principalRef(principalOf(res)),
          createdAt: new Date().toISOString(),
        });
        res
          .status(202)
          .location(`/v1/reprocess/${id}`)
          .json({ run: viewRun(await findRun(id)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reprocess/:id',
      summary: 'A reprocess run: status, total, done, failed (by error code) and remaining',
      auth: 'apiKey',
      parameters: [runIdParameter],
      answers: { 200: runAnswer('The run') },
      errors: [['not_found', 'no run with this id']],
      handle: async (req, res) => {
        res.json({ run: viewRun(await findRun(req.params.id)) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/reprocess/:id/cancel',
      summary: 'Cancel a run: no asset is started any more; those in flight finish and are counted',
      auth: 'apiKey',
      parameters: [runIdParameter],
      idempotent: true,
      answers: { 200: runAnswer('The run, cancelled') },
      errors: [['not_found', 'no run with this id']],
      handle: async (req, res) => {
        const record = await findRun(req.params.id);
        await deps.store.cancel(record.id);
        res.json({ run: viewRun({ ...record, isCancelled: true }) });
      },
    }),
  ];
}
