import { IngestError, isAssetId, S3EventNotification, stagingKeys, toIngestError } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { assetIdParameter } from '../assets/assets.routes';
import { principalOf } from '../http/auth';
import { completeDirectUpload, type CompleteUploadDeps } from '../intake/complete-upload';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import { assertTokenCovers } from '../http/token-limits';

/** What `POST /v1/events/s3` answers: assets completed, records ignored, records refused for good. */
const S3EventsResult = {
  type: 'object',
  required: ['completed', 'ignored', 'errors'],
  properties: {
    completed: { type: 'array', items: { type: 'string' }, description: 'Asset ids completed by this notification' },
    ignored: { type: 'integer', description: 'Records outside staging, not object-created, or already completed' },
    errors: {
      type: 'array',
      description: 'Records whose upload was refused for good (the asset is rejected)',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

/**
 * `POST /v1/assets/:id/complete` (the client finished its direct upload) and `POST /v1/events/s3`
 * (S3/MinIO object-created notifications, so an upload completes even when the client never
 * calls back). Both run the same idempotent `completeDirectUpload`.
 */
export function completeRoutes(deps: CompleteUploadDeps): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/assets/:id/complete',
      summary: 'The direct upload finished: verify the object (exists, size, sniffed type) and queue it',
      auth: 'uploader',
      parameters: [assetIdParameter],
      idempotent: true,
      answers: {
        202: {
          description: 'Verified and queued; poll the Location',
          body: { component: 'AssetAccepted' },
          headers: { Location: { description: '/v1/assets/{id}' } },
        },
        200: {
          description: 'Already completed (idempotent): the asset as it is',
          body: { component: 'AssetAccepted' },
          headers: { Location: { description: '/v1/assets/{id}' } },
        },
      },
      errors: [
        ['forbidden', 'an upload token that does not cover this asset'],
        ['not_found', 'no asset with this id'],
        ['upload_missing', 'the object is not in staging yet'],
        ['payload_too_large', 'larger than declared; removed, asset rejected'],
        ['unsupported_media_type', 'not an image; removed, asset rejected'],
      ],
      handle: async (req, res) => {
        const id = String(req.params.id);
        if (!isAssetId(id)) throw new IngestError('not_found', `asset ${id} does not exist`);
        res.locals.assetId = id;
        const principal = principalOf(res);
        if (principal.kind === 'uploadToken') {
          const existing = await deps.registry.get(id);
          if (!existing) throw new IngestError('not_found', `asset ${id} does not exist`);
          assertTokenCovers(principal, existing);
        }
        const { asset, completed } = await completeDirectUpload(deps, id);
        res
          .status(completed ? 202 : 200)
          .location(`/v1/assets/${asset.id}`)
          .json({ asset });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/events/s3',
      summary: 'S3/MinIO object-created notifications: complete direct uploads without a client call',
      auth: 's3Events',
      body: { contentType: 'application/json', schema: { component: 'S3EventNotification' } },
      before: [jsonBody({ limit: '1mb' })],
      answers: {
        200: { description: 'Which assets were completed; keys outside staging are ignored', body: S3EventsResult },
      },
      errors: [
        ['bad_request', 'not an S3 event notification'],
        ['rate_limited', 'an API-key caller over its rate (the events token is not counted)'],
        ['dependency_unavailable', 'Redis or staging is unavailable: S3/MinIO should deliver the event again'],
      ],
      handle: async (req, res) => {
        const event = parseBody(S3EventNotification, req.body, 'S3 event');
        res.json(await completeFromEvent(deps, event));
      },
    }),
  ];
}

/** Completes the upload of each object-created record under staging; a transient failure throws (S3 redelivers). */
async function completeFromEvent(deps: CompleteUploadDeps, event: S3EventNotification) {
  const completed: string[] = [];
  const errors: Array<{ key: string; error: { code: string; message: string } }> = [];
  let ignored = 0;
  for (const record of event.Records) {
    const key = decodeEventKey(record.s3.object.key);
    const assetId = stagingKeys.assetIdOfOriginal(key);
    const isCreated = record.eventName === undefined || /ObjectCreated/.test(record.eventName);
    if (!assetId || !isCreated) {
      ignored++;
      continue;
    }
    try {
      if ((await completeDirectUpload(deps, assetId)).completed) completed.push(assetId);
      else ignored++;
    } catch (err) {
      const error = toIngestError(err);
      // Transient: answer 5xx so S3/MinIO delivers the event again.
      if (error.retryable) throw error;
      errors.push({ key, error: { code: error.code, message: error.message } });
    }
  }
  return { completed, ignored, errors };
}

/** S3 URL-encodes keys in notifications (spaces as `+`); a key that does not decode is no staging key. */
function decodeEventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}
