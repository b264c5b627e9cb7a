import type { Queue } from 'bullmq';
import type { Response } from 'express';
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
import { defineRoute, type Route, type RouteParameter } from '../http/route';
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
}

/** `:id` of the import routes. */
const importIdParameter: RouteParameter = { name: 'id', in: 'path', schema: ImportId };

/** `{import}`, the answer of every import route. */
const importAnswer = (description: string) => ({ description, body: { component: 'ImportAccepted' } });

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
export function importRoutes(deps: ImportRoutesDeps): Route[] {
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

  return [
    defineRoute({
      method: 'post',
      path: '/v1/imports',
      summary: 'Import every object under a prefix of an allowed bucket (SOURCE_BUCKETS), each as a bucket job (API keys only)',
      auth: 'apiKey',
      body: { contentType: 'application/json', schema: { component: 'ImportRequest' } },
      before: [jsonBody({ limit: '64kb' })],
      idempotent: true,
      answers: {
        202: { ...importAnswer('Started; poll the Location'), headers: { Location: { description: '/v1/imports/{id}' } } },
      },
      errors: [
        'bad_request',
        ['source_forbidden', 'the bucket is not in SOURCE_BUCKETS'],
        ['dependency_unavailable', 'Redis is down; retry later'],
      ],
      handle: async (req, res) => {
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
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/imports/:id',
      summary:
        'An import: listing → processing → done (or cancelled), with listed, skipped, queued, ready, rejected and failed objects',
      auth: 'apiKey',
      parameters: [importIdParameter],
      answers: { 200: importAnswer('The import') },
      errors: [['not_found', 'no import with this id']],
      handle: async (req, res) => {
        res.json({ import: await viewImport(deps, await findImport(req.params.id)) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/imports/:id/cancel',
      summary: 'Stop listing; objects already queued still go through the pipeline',
      auth: 'apiKey',
      parameters: [importIdParameter],
      idempotent: true,
      answers: { 200: importAnswer('The import, cancelled') },
      errors: [['not_found', 'no import with this id']],
      handle: async (req, res) => {
        const record = await findImport(req.params.id);
        await deps.store.cancel(record.id);
        res.json({ import: await viewImport(deps, { ...record, isCancelled: true }) });
      },
    }),
  ];
}
