import type { Queue } from 'bullmq';
import { Router, type RequestHandler, type Response } from 'express';
import {
  IngestError,
  ImportId,
  ImportRequest,
  importIdFrom,
  newImportId,
  type DestinationKind,
  type ImportListJob,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, jsonBody } from '@ingestkit/runtime';
import { principalOf, principalRef } from '../http/auth';
import { parseBody } from '../http/parse-body';
import type { ImportStore } from './import-store';
import { viewImport } from './import-view';

export interface ImportRoutesDeps {
  store: ImportStore;
  registry: AssetRegistry;
  listQueue: Queue<ImportListJob>;
  destinations: readonly DestinationKind[];
  /** S3 buckets jobs and imports may read (`SOURCE_BUCKETS`); others are refused with `source_forbidden`. */
  sourceBuckets: readonly string[];
  assertQueueAvailable(): Promise<void>;
  requireApiKey: RequestHandler;
  idempotent: RequestHandler;
}

/** The import a request stands for: named after its Idempotency-Key when it has one, so a retry finds it. */
function importIdFor(res: Response): string {
  const seed = res.locals.idempotencySeed;
  return typeof seed === 'string' ? importIdFrom(seed) : newImportId();
}

/**
 * `POST /v1/imports` (`{source: {bucket, prefix}, …options}` → `202 {import}`),
 * `GET /v1/imports/:id` and `POST /v1/imports/:id/cancel`, API keys only. The listing runs as
 * `import.list` jobs (see `import-lister.ts`); the bucket rules are those of bucket jobs.
 */
export function importRoutes(deps: ImportRoutesDeps): Router {
  const router = Router();
  const schema = ImportRequest.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
    path: ['destination'],
    message: `one of ${deps.destinations.join(', ')}`,
  });
  const findImport = async (raw: unknown) => {
    const id = ImportId.safeParse(raw);
    const record = id.success ? await deps.store.get(id.data) : null;
    if (!record) throw new IngestError('not_found', `import ${String(raw)} does not exist`);
    return record;
  };

  router.post('/v1/imports', deps.requireApiKey, jsonBody({ limit: '64kb' }), deps.idempotent, async (req, res) => {
    const { source, ...options } = parseBody(schema, req.body, 'import');
    if (!deps.sourceBuckets.includes(source.bucket)) {
      throw new IngestError('source_forbidden', `bucket ${source.bucket} is not an allowed source (SOURCE_BUCKETS)`, {
        details: { bucket: source.bucket },
      });
    }
    await deps.assertQueueAvailable();
    const id = importIdFor(res);
    await deps.store.create({
      id,
      source,
      options,
      createdBy: principalRef(principalOf(res)),
      createdAt: new Date().toISOString(),
    });
    await enqueueStage(deps.listQueue, { version: 1, importId: id, page: 0 });
    const view = await viewImport(deps, await findImport(id));
    res.status(202).location(`/v1/imports/${id}`).json({ import: view });
  });

  router.get('/v1/imports/:id', deps.requireApiKey, async (req, res) => {
    res.json({ import: await viewImport(deps, await findImport(req.params.id)) });
  });

  router.post('/v1/imports/:id/cancel', deps.requireApiKey, deps.idempotent, async (req, res) => {
    const record = await findImport(req.params.id);
    await deps.store.cancel(record.id);
    res.json({ import: await viewImport(deps, { ...record, isCancelled: true }) });
  });
  return router;
}
