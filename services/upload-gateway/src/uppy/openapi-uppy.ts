import {
  UppyCompleteRequest,
  UppyCompleteResponse,
  UppyCreateMultipartRequest,
  UppyCreateMultipartResponse,
  UppyPart,
  UppySignedPart,
  UppySignedParts,
  UppySignRequest,
  UppySignResponse,
  UppyUploadParams,
} from '@ingestkit/contracts';
import { errorResponse as error, json, ref, schemaOf, type JsonSchema } from '../docs/openapi-schema';

const query = (name: string, description: string) => ({
  name,
  in: 'query',
  required: true,
  description,
  schema: { type: 'string' },
});
const keyParam = query('key', 'The staging key the create call answered (`staging/<assetId>/original`)');
const uploadIdParam = { name: 'uploadId', in: 'path', required: true, schema: { type: 'string' } };
const tokenParam = {
  name: 'token',
  in: 'path',
  required: true,
  description: 'An upload token (`ut1.…`), for clients that send no headers (@uppy/aws-s3 6.x `companionEndpoint`)',
  schema: { type: 'string', pattern: '^ut1\\.' },
};
const refusals = {
  '401': error('unauthorized: missing, invalid or expired token'),
  '403': error('forbidden: outside the upload token limits'),
  '404': error('not_found: no open multipart upload with this uploadId and key'),
  '429': error('rate_limited'),
};

/** The components the Uppy routes refer to, generated from the zod contracts. */
export function uppySchemas(): Record<string, JsonSchema> {
  return {
    UppyCreateMultipartRequest: schemaOf(UppyCreateMultipartRequest, 'input'),
    UppyCreateMultipartResponse: schemaOf(UppyCreateMultipartResponse),
    UppyUploadParams: schemaOf(UppyUploadParams),
    UppySignedPart: schemaOf(UppySignedPart),
    UppySignedParts: schemaOf(UppySignedParts),
    UppyPart: schemaOf(UppyPart),
    UppyCompleteRequest: schemaOf(UppyCompleteRequest, 'input'),
    UppyCompleteResponse: schemaOf(UppyCompleteResponse),
    UppySignRequest: schemaOf(UppySignRequest, 'input'),
    UppySignResponse: schemaOf(UppySignResponse),
  };
}

/**
 * Companion's S3 routes for `@uppy/aws-s3` (see uppy.routes.ts), listed twice: under `/v1/uppy`
 * (token or API key in `Authorization`) and under `/v1/uppy/{token}` (the token in the path).
 */
export function uppyPaths(): Record<string, JsonSchema> {
  const paths: Record<string, JsonSchema> = {};
  for (const base of ['/v1/uppy', '/v1/uppy/{token}']) {
    const inPath = base.endsWith('{token}');
    const common = inPath ? { security: [], parameters: [tokenParam] } : { security: [{ apiKey: [] }, { uploadToken: [] }] };
    const params = (...more: JsonSchema[]) => ({ ...common, parameters: [...(inPath ? [tokenParam] : []), ...more] });
    paths[`${base}/sign`] = {
      post: {
        summary: 'Uppy 6.x signRequest: sign one S3 request (server-generated keys; multipart calls run on the gateway)',
        ...common,
        requestBody: { required: true, content: json(ref('UppySignRequest')) },
        responses: {
          '200': { description: 'Where to send the request', content: json(ref('UppySignResponse')) },
          '400': error('bad_request'),
          '415': error('unsupported_media_type'),
          ...refusals,
        },
      },
    };
    paths[`${base}/s3/params`] = {
      get: {
        summary: 'Uppy single-part upload: a new asset and a POST form to upload it straight to staging',
        ...params(query('filename', 'The file name (sanitised; never the key)'), query('type', 'An image content type')),
        responses: {
          '200': { description: 'Where and how to upload', content: json(ref('UppyUploadParams')) },
          '415': error('unsupported_media_type'),
          ...refusals,
        },
      },
    };
    paths[`${base}/s3/multipart`] = {
      post: {
        summary: 'Uppy multipart upload: a new asset and its multipart upload',
        ...common,
        requestBody: { required: true, content: json(ref('UppyCreateMultipartRequest')) },
        responses: {
          '200': { description: 'The staging key and upload id', content: json(ref('UppyCreateMultipartResponse')) },
          '400': error('bad_request'),
          '415': error('unsupported_media_type'),
          ...refusals,
        },
      },
    };
    paths[`${base}/s3/multipart/{uploadId}`] = {
      get: {
        summary: 'Uppy: the parts uploaded so far',
        ...params(uploadIdParam, keyParam),
        responses: {
          '200': { description: 'The parts', content: json({ type: 'array', items: ref('UppyPart') }) },
          ...refusals,
        },
      },
      delete: {
        summary: 'Uppy: abort the multipart upload (its asset is rejected)',
        ...params(uploadIdParam, keyParam),
        responses: { '200': { description: 'Aborted', content: json({ type: 'object' }) }, ...refusals },
      },
    };
    paths[`${base}/s3/multipart/{uploadId}/batch`] = {
      get: {
        summary: 'Uppy: sign several parts',
        ...params(uploadIdParam, keyParam, query('partNumbers', 'Comma-separated part numbers (1 to 10000)')),
        responses: { '200': { description: 'A URL per part', content: json(ref('UppySignedParts')) }, ...refusals },
      },
    };
    paths[`${base}/s3/multipart/{uploadId}/{partNumber}`] = {
      get: {
        summary: 'Uppy: sign one part (PUT the bytes; the answer carries its ETag)',
        ...params(uploadIdParam, { name: 'partNumber', in: 'path', required: true, schema: { type: 'integer' } }, keyParam, {
          name: 'size',
          in: 'query',
          required: false,
          description:
            'Optional (Uppy does not send it): the part size in bytes. Held to what the upload has left of its cap; on S3 signed into the URL as its Content-Length.',
          schema: { type: 'integer', minimum: 1 },
        }),
        responses: {
          '200': { description: 'Where to PUT the part', content: json(ref('UppySignedPart')) },
          '413': error('payload_too_large: the upload has no bytes left, or not the declared size'),
          ...refusals,
        },
      },
    };
    paths[`${base}/s3/multipart/{uploadId}/complete`] = {
      post: {
        summary: 'Uppy: complete the multipart upload, verify the object and queue the asset',
        ...params(uploadIdParam, keyParam),
        requestBody: { required: true, content: json(ref('UppyCompleteRequest')) },
        responses: {
          '200': { description: 'The asset URL and key', content: json(ref('UppyCompleteResponse')) },
          '400': error('bad_request: a part listed twice, out of ascending order, or never uploaded'),
          '409': error('upload_missing'),
          '413': error('payload_too_large: the parts add up to more than the limit (upload aborted, asset rejected)'),
          '415': error('unsupported_media_type: not an accepted image'),
          ...refusals,
        },
      },
    };
  }
  // The S3-style facade behind signRequest's multipart URLs: signed by the gateway, not called by apps.
  const signedQuery = ['key', 'uploadId', 'expires', 'signature'].map((name) => ({
    name,
    in: 'query',
    required: true,
    schema: { type: 'string' },
  }));
  const facade = (summary: string) => ({
    summary,
    security: [],
    parameters: signedQuery,
    responses: {
      '200': { description: "S3's XML answer", content: { 'application/xml': { schema: { type: 'string' } } } },
      '403': error('signature_invalid or url_expired'),
      '404': error('not_found: no such upload'),
    },
  });
  paths['/v1/uppy/s3-api/create'] = {
    post: facade('S3 facade for signRequest: CreateMultipartUpload (URL signed by /v1/uppy/sign)'),
  };
  paths['/v1/uppy/s3-api/list'] = { get: facade('S3 facade for signRequest: ListParts (URL signed by /v1/uppy/sign)') };
  paths['/v1/uppy/s3-api/complete'] = {
    post: facade(
      'S3 facade for signRequest: CompleteMultipartUpload; the size cap and checks run here, then the asset is queued',
    ),
  };
  paths['/v1/uppy/s3-api/abort'] = {
    delete: facade('S3 facade for signRequest: AbortMultipartUpload (URL signed by /v1/uppy/sign)'),
  };
  return paths;
}
