import {
  ImportAccepted,
  JobBatchResponse,
  AssetAccepted,
  PurgeAccepted,
  ReprocessRunAccepted,
  UploadTokenResponse,
  type Asset,
  type ImportRequest,
  type JobRequest,
  type Purge,
  type ReprocessRun,
  type ReprocessRunRequest,
  type UploadTokenRequest,
} from '@ingestkit/contracts';
import type { z } from 'zod';
import { createAssetsApi } from './assets';
import { createTransport, type ClientOptions } from './transport';
import type { UploadOptions } from './upload/options';
import type { FileOpener, UploadInput } from './upload/source';
import { uploadFile } from './upload/upload';

/** Per call: an Idempotency-Key of your own (else a random one, kept across retries) and a signal. */
export interface CallOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type IngestkitClient = ReturnType<typeof createClientWith>;

/** The client, with how paths are opened (the Node entry passes one; browsers have none). */
export function createClientWith(options: ClientOptions, open?: FileOpener) {
  const transport = createTransport(options);
  const assets = createAssetsApi(transport);
  const post = <T>(path: string, json: unknown, call: CallOptions, schema: z.ZodType<T>) =>
    transport.json({ method: 'POST', path, json, ...call }, schema);
  return {
    /** Uploads a file by the flow its size calls for; resolves to the accepted asset. */
    upload: (file: UploadInput, uploadOptions?: UploadOptions): Promise<Asset> =>
      uploadFile(transport, file, uploadOptions, open),
    /** Polls an asset until it is `ready`, `rejected` or `failed`. */
    waitForAsset: assets.waitFor,
    assets,
    jobs: {
      /** `POST /v1/jobs`: an image from a URL or an allowed bucket. */
      create: async (job: JobRequest, call: CallOptions = {}) => (await post('/v1/jobs', job, call, AssetAccepted)).asset,
      /** `POST /v1/jobs/batch`: up to 1000 jobs; invalid ones come back in `errors` by index. */
      createBatch: (jobs: JobRequest[], call: CallOptions = {}) => post('/v1/jobs/batch', { jobs }, call, JobBatchResponse),
    },
    uploadTokens: {
      /** `POST /v1/upload-tokens`: a short-lived token for a browser (hand it `token`). */
      create: (limits: z.input<typeof UploadTokenRequest> = {}, call: CallOptions = {}) =>
        post('/v1/upload-tokens', limits, call, UploadTokenResponse),
    },
    /** `POST /v1/purge`: CDN invalidation of URLs that cannot be versioned. */
    purge: async (urls: string[], call: CallOptions = {}): Promise<Purge> =>
      (await post('/v1/purge', { urls }, call, PurgeAccepted)).purge,
    purges: {
      get: async (id: string, call: CallOptions = {}): Promise<Purge> =>
        (await transport.json({ method: 'GET', path: `/v1/purge/${encodeURIComponent(id)}`, ...call }, PurgeAccepted)).purge,
    },
    reprocess: {
      /**
       * `POST /v1/reprocess`: reprocesses every asset matching `filter` under `policy` (and
       * `overrides`), at lower priority than new uploads; follow it with `get`.
       */
      create: async (request: z.input<typeof ReprocessRunRequest>, call: CallOptions = {}): Promise<ReprocessRun> =>
        (await post('/v1/reprocess', request, call, ReprocessRunAccepted)).run,
      /** A run's status and counts (total, done, failed, remaining). */
      get: async (id: string, call: CallOptions = {}): Promise<ReprocessRun> =>
        (await transport.json({ method: 'GET', path: `/v1/reprocess/${encodeURIComponent(id)}`, ...call }, ReprocessRunAccepted))
          .run,
      /** Starts nothing more; assets already in flight finish and are counted. */
      cancel: async (id: string, call: CallOptions = {}): Promise<ReprocessRun> =>
        (await post(`/v1/reprocess/${encodeURIComponent(id)}/cancel`, undefined, call, ReprocessRunAccepted)).run,
    },
    imports: {
      /** `POST /v1/imports`: ingest every object under a bucket prefix. */
      create: async (request: z.input<typeof ImportRequest>, call: CallOptions = {}) =>
        (await post('/v1/imports', request, call, ImportAccepted)).import,
      get: async (id: string, call: CallOptions = {}) =>
        (await transport.json({ method: 'GET', path: `/v1/imports/${encodeURIComponent(id)}`, ...call }, ImportAccepted)).import,
      /** Stops listing; objects already queued still go through the pipeline. */
      cancel: async (id: string, call: CallOptions = {}) =>
        (await post(`/v1/imports/${encodeURIComponent(id)}/cancel`, undefined, call, ImportAccepted)).import,
    },
  };
}
