import { errorResponse as error, type JsonSchema } from '../docs/openapi-schema';
import { ASSET_ID_HEADER, TUS_PATH } from './tus.routes';

const header = (name: string, description: string, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});
const tusResumable = header('Tus-Resumable', 'The tus version: `1.0.0`');
const idParam = { name: 'id', in: 'path', required: true, description: 'The asset id (`ast_…`)', schema: { type: 'string' } };
const security = [{ apiKey: [] }, { uploadToken: [] }];
const refusals = {
  '401': error('unauthorized: missing, invalid or expired token'),
  '404': error('not_found: no such upload, or not one this caller created'),
  '412': error('bad_request: Tus-Resumable missing'),
  '429': error('rate_limited'),
};
const offsetHeaders = {
  'Upload-Offset': { description: 'Bytes stored so far', schema: { type: 'string' } },
  'Tus-Resumable': { description: '`1.0.0`', schema: { type: 'string' } },
};

/**
 * tus 1.0 at `/v1/tus` (core, creation, creation-with-upload, expiration, termination): a
 * sub-application (`@tus/server`) whose entry operations are documented here. Bodies are raw
 * bytes (`application/offset+octet-stream`); refusals are the gateway's JSON errors.
 */
export function tusPaths(): Record<string, JsonSchema> {
  const discovery = {
    summary: 'tus discovery: Tus-Version, Tus-Extension and Tus-Max-Size (no authentication)',
    security: [],
    responses: { '204': { description: 'What this server supports' } },
  };
  return {
    [TUS_PATH]: {
      post: {
        summary:
          'tus creation (and creation-with-upload): a new asset awaiting its bytes. Upload-Metadata carries fileName, folder, tags (comma-separated), policy, destination, overwrite, dedupe, metadata (a JSON object) and filetype. Upload-Length is checked against the byte cap; Upload-Defer-Length is refused.',
        security,
        parameters: [
          tusResumable,
          header('Upload-Length', 'The file size in bytes, within MAX_UPLOAD_BYTES and the token maxBytes'),
          header('Upload-Metadata', 'tus metadata: comma-separated `key base64(value)` pairs', false),
        ],
        requestBody: {
          required: false,
          content: { 'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '201': {
            description: 'Created; Location is `/v1/tus/<assetId>`, the asset id is also in Ingest-Asset-Id',
            headers: {
              Location: { description: 'The upload URL', schema: { type: 'string' } },
              [ASSET_ID_HEADER]: { description: 'The asset id: follow it at /v1/assets/{id}', schema: { type: 'string' } },
              'Upload-Expires': { description: 'When the unfinished upload expires', schema: { type: 'string' } },
            },
          },
          '400': error('bad_request: invalid Upload-Metadata option, or Upload-Defer-Length'),
          '403': error('forbidden: outside the upload token limits (folder, destination, policy, file count)'),
          '413': error('payload_too_large: Upload-Length over the byte cap'),
          '503': error('dependency_unavailable'),
          ...refusals,
        },
      },
      options: discovery,
    },
    [`${TUS_PATH}/{id}`]: {
      head: {
        summary: 'tus: the offset of an upload (resume from it)',
        security,
        parameters: [idParam, tusResumable],
        responses: {
          '200': { description: 'The offset and length', headers: offsetHeaders },
          '410': error('upload_expired'),
          ...refusals,
        },
      },
      patch: {
        summary: 'tus: append bytes at Upload-Offset; the last byte queues the asset (once)',
        security,
        parameters: [idParam, tusResumable, header('Upload-Offset', 'Where these bytes start: the offset HEAD reported')],
        requestBody: {
          required: true,
          content: { 'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '204': { description: 'Stored', headers: offsetHeaders },
          '409': error('conflict: Upload-Offset is not the stored offset'),
          '410': error('upload_expired'),
          '413': error('payload_too_large: more bytes than Upload-Length'),
          '415': error(
            'unsupported_media_type: the Content-Type is not application/offset+octet-stream, or the finished file is not an accepted image',
          ),
          ...refusals,
        },
      },
      delete: {
        summary: 'tus termination: the upload is removed and its asset ends rejected (upload_incomplete)',
        security,
        parameters: [idParam, tusResumable],
        responses: { '204': { description: 'Terminated' }, ...refusals },
      },
      options: { ...discovery, parameters: [idParam] },
    },
  };
}
