import { z } from 'zod';
import { Asset, AssetSource } from './asset';
import { AssetOptions, ErrorBody } from './uploads';

/** `POST /v1/jobs`: ingest an image the gateway does not receive, from a URL or an S3 object. */
export const JobRequest = AssetOptions.extend({ source: AssetSource });
export type JobRequest = z.infer<typeof JobRequest>;

/** Most jobs in one `POST /v1/jobs/batch`. */
export const MAX_BATCH_JOBS = 1000;

/**
 * `POST /v1/jobs/batch`. Items are checked one by one: the batch as a whole is refused (400)
 * only when it is not a list of at most {@link MAX_BATCH_JOBS} objects.
 */
export const JobBatchRequest = z.object({ jobs: z.array(z.unknown()).min(1).max(MAX_BATCH_JOBS) });
export type JobBatchRequest = z.infer<typeof JobBatchRequest>;

/** `202` body of `POST /v1/jobs/batch`: the accepted assets, and why each other item was not. */
export const JobBatchResponse = z.object({
  assets: z.array(Asset),
  errors: z.array(z.object({ index: z.number().int().nonnegative(), error: ErrorBody.shape.error })),
});
export type JobBatchResponse = z.infer<typeof JobBatchResponse>;
