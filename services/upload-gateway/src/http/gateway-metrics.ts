import type { ErrorRequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';
import { toHttpIngestError } from '@ingestkit/runtime';

export interface GatewayMetrics {
  uploadBytes: Counter;
  rejections: Counter<'code'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    uploadBytes: new Counter({
      name: 'ingestkit_upload_bytes_total',
      help: 'Bytes of multipart uploads (POST /v1/uploads) the gateway streamed to staging and accepted',
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'ingestkit_upload_rejections_total',
      help: 'Upload, direct-upload, completion and job requests answered with an error, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

/** Routes whose refusals are upload rejections (the rest are counted by the HTTP RED metrics only). */
const uploadPaths = [
  /^\/v1\/uploads/,
  /^\/v1\/uppy\//,
  /^\/v1\/local-uploads\//,
  /^\/v1\/assets\/[^/]+\/complete$/,
  /^\/v1\/jobs/,
  /^\/v1\/events\/s3$/,
];

/** Counts each refused upload by its error code, then hands the error on to the error handler. */
export function countUploadRejections(metrics: GatewayMetrics): ErrorRequestHandler {
  return (err, req, _res, next) => {
    if (uploadPaths.some((path) => path.test(req.path))) metrics.rejections.inc({ code: toHttpIngestError(err).code });
    next(err);
  };
}
