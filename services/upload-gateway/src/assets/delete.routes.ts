import type { Queue } from 'bullmq';
import { IngestError } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { principalOf, principalRef } from '../http/auth';
import { defineRoute, type Route } from '../http/route';
import { assetIdParam, assetIdParameter } from './assets.routes';
import { deleteAsset } from './delete-asset';

/**
 * `DELETE /v1/assets/:id`: any status; answers the tombstone with 202 (the erasure runs as a job),
 * the same on every repeat. API keys only: an upload token is a valid credential without this
 * right, so it gets 403 (`forbidden`), not 401; the route takes the uploader chain to tell the two
 * apart.
 */
export function deleteRoutes(deps: { registry: AssetRegistry; eraseQueue: Queue }): Route[] {
  return [
    defineRoute({
      method: 'delete',
      path: '/v1/assets/:id',
      summary:
        'Delete an asset in any status: a tombstone (status deleted, deletedAt, deletedBy) is kept, its files are erased ' +
        '(destination outputs and variants, staging, kept original) and its plain CDN URL purged; repeating it answers the same tombstone',
      auth: 'uploader',
      parameters: [assetIdParameter],
      answers: {
        202: {
          description: 'Deleted: the tombstone; the files are being erased',
          body: { type: 'object', required: ['asset'], properties: { asset: { $ref: '#/components/schemas/Asset' } } },
        },
      },
      errors: [
        ['not_found', 'no asset with this id'],
        ['forbidden', 'an upload token: deleting needs an API key'],
      ],
      handle: async (req, res) => {
        const principal = principalOf(res);
        if (principal.kind !== 'apiKey') throw new IngestError('forbidden', 'upload tokens cannot delete assets; use an API key');
        const asset = await deleteAsset(deps, { assetId: assetIdParam(req.params.id), deletedBy: principalRef(principal) });
        res.status(202).json({ asset });
      },
    }),
  ];
}
