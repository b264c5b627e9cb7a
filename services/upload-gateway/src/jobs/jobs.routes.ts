import {
  type PrincipalRef,
  IngestError,
  JobBatchRequest,
  JobRequest,
  MAX_BATCH_JOBS,
  toIngestError,
  type Asset,
  type JobBatchResponse,
} from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { principalOf, principalRef } from '../http/auth';
import type { Admission } from '../intake/admission';
import type { Intake } from '../intake/intake';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import { assetIdFor } from '../http/idempotency';

export interface JobRoutesDeps {
  intake: Intake;
  /** Jobs come from API keys: the admission step checks their options for this deployment. */
  admission: Pick<Admission, 'forDeployment'>;
  /** S3 buckets jobs may read (`SOURCE_BUCKETS`); others are refused with `source_forbidden`. */
  sourceBuckets: readonly string[];
  assertQueueAvailable(): Promise<void>;
  /** Rejects with `backlog_full` while the ingest backlog is above its bound; `jobs`: how many the request adds. */
  assertBacklogBelowBound(jobs?: number): Promise<void>;
}

/** Batch items accepted at once: enough to overlap Redis round trips, few enough to stay fair. */
const BATCH_CONCURRENCY = 32;

/**
 * `POST /v1/jobs` and `POST /v1/jobs/batch` (API keys only): backend apps hand over images by
 * URL or S3 object; the validate stage fetches them (with SSRF protection) into staging. A batch
 * accepts its valid items and reports each invalid one by index.
 */
export function jobRoutes(deps: JobRoutesDeps): Route[] {
  const schema = deps.admission.forDeployment(JobRequest);

  async function acceptJob(value: unknown, assetId: string, createdBy: PrincipalRef): Promise<Asset> {
    const job = parseBody(schema, value, 'job');
    if ('bucket' in job.source && !deps.sourceBuckets.includes(job.source.bucket)) {
      throw new IngestError('source_forbidden', `bucket ${job.source.bucket} is not an allowed source (SOURCE_BUCKETS)`, {
        details: { bucket: job.source.bucket },
      });
    }
    const { source, ...options } = job;
    return deps.intake.acceptAsset({ assetId, options, source, createdBy, fileName: sourceFileName(source) });
  }

  const job = defineRoute({
    method: 'post',
    path: '/v1/jobs',
    summary: 'Ingest an image from a URL or an S3 object (fetched by the worker, with SSRF protection)',
    auth: 'apiKey',
    idempotent: true,
    before: [jsonBody({ limit: '64kb' })],
    body: { contentType: 'application/json', schema: { component: 'JobRequest' } },
    answers: {
      202: {
        description: 'Queued',
        body: { component: 'AssetAccepted' },
        headers: { Location: { description: '/v1/assets/{id}' } },
      },
    },
    errors: [
      'bad_request',
      ['source_forbidden', 'the bucket is not in SOURCE_BUCKETS'],
      ['dependency_unavailable', 'Redis is down; retry later'],
      ['backlog_full', 'the ingest backlog is full; retry after Retry-After'],
    ],
    handle: async (req, res) => {
      await deps.assertQueueAvailable();
      await deps.assertBacklogBelowBound();
      const asset = await acceptJob(req.body, assetIdFor(res), principalRef(principalOf(res)));
      res.locals.assetId = asset.id;
      res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
    },
  });

  const batch = defineRoute({
    method: 'post',
    path: '/v1/jobs/batch',
    summary: `Up to ${MAX_BATCH_JOBS} jobs at once; valid items are accepted, invalid ones reported by index`,
    auth: 'apiKey',
    idempotent: true,
    before: [jsonBody({ limit: '32mb' })],
    body: { contentType: 'application/json', schema: JobBatchRequestDocument },
    answers: { 202: { description: 'Accepted items and per-item errors', body: { component: 'JobBatchResponse' } } },
    errors: [
      ['bad_request', `not a list of 1 to ${MAX_BATCH_JOBS} jobs`],
      ['dependency_unavailable', 'Redis is down; retry later'],
      ['backlog_full', 'the ingest backlog is full; retry after Retry-After'],
    ],
    handle: async (req, res) => {
      const { jobs } = parseBody(JobBatchRequest, req.body, 'batch (1 to 1000 jobs)');
      await deps.assertQueueAvailable();
      await deps.assertBacklogBelowBound(jobs.length);
      const results: Array<Asset | IngestError> = new Array(jobs.length);
      for (let start = 0; start < jobs.length; start += BATCH_CONCURRENCY) {
        await Promise.all(
          jobs.slice(start, start + BATCH_CONCURRENCY).map(async (job, offset) => {
            const index = start + offset;
            results[index] = await acceptJob(job, assetIdFor(res, index), principalRef(principalOf(res))).catch((err: unknown) =>
              toIngestError(err),
            );
          }),
        );
      }
      const body: JobBatchResponse = { assets: [], errors: [] };
      results.forEach((result, index) => {
        if (result instanceof IngestError) {
          body.errors.push({
            index,
            error: { code: result.code, message: result.message, ...(result.details ? { details: result.details } : {}) },
          });
        } else body.assets.push(result);
      });
      res.status(202).json(body);
    },
  });
  return [job, batch];
}

/** The batch body as documented: up to MAX_BATCH_JOBS items of JobRequest. */
const JobBatchRequestDocument = {
  type: 'object',
  required: ['jobs'],
  properties: {
    jobs: { type: 'array', minItems: 1, maxItems: MAX_BATCH_JOBS, items: { $ref: '#/components/schemas/JobRequest' } },
  },
};

/** A readable default name: the last segment of the URL path or object key. */
function sourceFileName(source: { url: string } | { bucket: string; key: string }): string {
  const path = 'url' in source ? new URL(source.url).pathname : source.key;
  const last = path.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
