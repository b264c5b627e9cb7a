import type { Request, Response } from 'express';
import { IngestError } from '@ingestkit/contracts';
import { guardedUpload, verifyRelayedPart, type RelayedPartUploads } from '@ingestkit/storage';
import { defineRoute, signedParameter, type Route } from '../http/route';
import type { MultipartSessions } from './multipart-sessions';
import { PartMeter } from './part-meter';

export interface RelayedPartRoutesDeps {
  multipart: RelayedPartUploads;
  /** Open uploads, their caps and their byte accounting. */
  sessions: MultipartSessions;
  /** The derived local-upload secret (see signing-keys.ts). */
  secret: string;
  /** No upload may be larger, whatever its session says (a limit lowered since it started). */
  maxUploadBytes: number;
}

/**
 * `PUT /v1/local-uploads/parts/:uploadId/:partNumber?key&expires&max&signature`: one part of a
 * multipart upload relayed through the gateway, at a URL the gateway signed: every part on the
 * local store, and on S3 every part whose size the client did not declare (a presigned
 * UploadPart could not bound it; S3 needs its `Content-Length`, else 411 `length_required`). No API key: the signature
 * is the authorization (403 `signature_invalid` / `url_expired`). Answers the part's `ETag`
 * (quoted MD5, as S3), which Uppy reads (CORS exposes it). Re-sending a part replaces it, as on
 * S3, so these URLs are not single use. Mount before the single-upload routes.
 *
 * Byte caps, enforced while the part streams (413 `payload_too_large`, nothing of the part
 * kept): the part's own cap signed into its URL (`max`), and the upload's cap (the token's
 * `maxBytes`, never above `MAX_UPLOAD_BYTES`) across all its parts, stored and in flight, via
 * the session's budget (see part-budget.ts). One request at a time per part number (409
 * `conflict`).
 */
export function relayedPartRoutes(deps: RelayedPartRoutesDeps): Route[] {
  return [
    defineRoute({
      method: 'put',
      path: '/v1/local-uploads/parts/:uploadId/:partNumber',
      summary:
        'One part of a multipart upload relayed through the gateway (local store; undeclared parts on S3), at a URL it signed',
      auth: 'signed',
      parameters: [
        { name: 'uploadId', in: 'path' },
        { name: 'partNumber', in: 'path', schema: { type: 'integer' } },
        signedParameter('key', 'The staging key the create call answered (`staging/<assetId>/original`)'),
        signedParameter('expires', 'Unix seconds'),
        signedParameter('max', "The part's byte cap (what the upload had left when the URL was signed)"),
        signedParameter('signature', 'HMAC of the grant'),
      ],
      body: { contentType: 'application/octet-stream', schema: {} },
      answers: {
        200: { description: 'Stored', headers: { ETag: { description: 'The quoted MD5 of the part (as S3 answers it)' } } },
      },
      errors: [
        ['signature_invalid', 'not a URL this gateway signed'],
        ['url_expired', 'past `expires`'],
        ['not_found', 'no such upload'],
        ['length_required', 'S3 staging: the part came without Content-Length'],
        ['conflict', 'the upload was completed, or this part is being uploaded by another request'],
        ['payload_too_large', "past the URL's cap or the upload's (counted across its parts while they stream)"],
      ],
      handle: (req, res) => storeRelayedPart(deps, req, res),
    }),
  ];
}

/**
 * Streams one part into the store under its caps (see `relayedPartRoutes`); the request is the
 * part's body, hence `req`/`res` (a refusal closes the connection).
 */
async function storeRelayedPart(deps: RelayedPartRoutesDeps, req: Request, res: Response): Promise<void> {
  const { budget } = deps.sessions;
  const ref = verifyRelayedPart({
    uploadId: String(req.params.uploadId),
    partNumber: String(req.params.partNumber),
    query: req.query as Record<string, unknown>,
    secret: deps.secret,
  });
  const session = await deps.sessions.find(ref);
  if (session.completedAt !== undefined) {
    throw new IngestError('conflict', 'this multipart upload was completed; its parts cannot change');
  }
  const { assetId } = session;
  const uploadCap = Math.min(session.maxBytes, deps.maxUploadBytes);
  const partCap = Math.min(ref.maxBytes, uploadCap);
  const header = req.headers['content-length'];
  const declared = header === undefined ? 0 : Number(header);
  if (declared > partCap) refuse(res, tooLarge(`a part of this URL may not be larger than ${partCap} bytes`, partCap));
  if (!(await budget.lockPart(assetId, ref.partNumber))) {
    refuse(res, new IngestError('conflict', `part ${ref.partNumber} is being uploaded by another request`));
  }
  try {
    if (!(await budget.reserve(assetId, declared, uploadCap))) {
      refuse(res, tooLarge(`the upload would exceed its limit of ${uploadCap} bytes`, uploadCap));
    }
    const meter = new PartMeter(budget, { assetId, uploadCap, partCap }, declared);
    // A part is not sniffed nor hashed here: its bytes may start anywhere in the file, and the
    // store answers its MD5 ETag; the joined file is sniffed and hashed at completion.
    const { stored } = await guardedUpload({
      body: req,
      limit: meter,
      store: (body) => deps.multipart.putPart({ ...ref, body, ...(header === undefined ? {} : { bytes: declared }) }),
    }).catch(async (err: unknown) => {
      // The store removed what it had written before answering: give the reservation back.
      await budget.release(assetId, meter.reserved);
      refuse(res, err);
    });
    await budget.commit(assetId, ref.partNumber, stored.bytes, meter.reserved);
    res.setHeader('ETag', stored.etag);
    res.status(200).end();
  } finally {
    await budget.unlockPart(assetId, ref.partNumber);
  }
}

/** Fails the request and closes its connection, so a refused body is not read to its end. */
function refuse(res: Response, err: unknown): never {
  res.setHeader('Connection', 'close');
  throw err;
}

function tooLarge(message: string, maxBytes: number): IngestError {
  return new IngestError('payload_too_large', message, { details: { maxBytes } });
}
