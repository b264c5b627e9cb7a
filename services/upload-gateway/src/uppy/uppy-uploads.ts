import type { RequestHandler, Response } from 'express';
import {
  AssetOptions,
  ImageContentType,
  IngestError,
  newAssetId,
  type UppyCreateMultipartResponse,
  type UppyUploadParams,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { MAX_PART_NUMBER, type DirectUploadSigner, type MultipartUploads } from '@ingestkit/storage';
import { principalOf } from '../http/auth';
import type { Admission } from '../intake/admission';
import type { Intake } from '../intake/intake';
import type { MultipartSessions, Session } from '../multipart/multipart-sessions';
import { parseBody } from '../http/parse-body';
import { assertTokenCovers } from '../http/token-limits';
import { UPLOAD_TOKEN_PREFIX } from '../http/upload-token';

export interface UppyUploadsDeps {
  sessions: MultipartSessions;
  multipart: MultipartUploads;
  signer: DirectUploadSigner;
  intake: Intake;
  registry: AssetRegistry;
  admission: Admission;
  expiresInSeconds: number;
}

/** A file as Uppy describes it: `filename` is only the asset's (sanitised) name, never its key. */
export interface UppyFileInput {
  filename: string;
  type: string;
  metadata: Record<string, unknown>;
}

/** Uppy metadata that are asset options rather than metadata; `name`/`type` repeat the file's. */
const OPTION_FIELDS = new Set(['folder', 'destination', 'policy', 'tags', 'overwrite', 'name', 'type', 'relativePath']);

/**
 * What Uppy's routes (Companion's and the 6.x signing route) do with uploads: every upload is a
 * new `awaiting_upload` asset at a server-generated staging key, within the caller's limits;
 * an open multipart upload is reached only through its session and only by a caller whose
 * token covers its asset.
 */
export function createUppyUploads(deps: UppyUploadsDeps) {
  const optionsSchema = deps.admission.forDeployment(AssetOptions);

  /** Creates the asset of a new upload, within the caller's limits. */
  async function startAsset(res: Response, input: UppyFileInput) {
    await deps.admission.assertCanQueue({ backlog: false });
    const principal = principalOf(res);
    const contentType = ImageContentType.safeParse(input.type);
    if (!contentType.success) {
      throw new IngestError('unsupported_media_type', `uploads must be images (${ImageContentType.options.join(', ')})`, {
        details: { type: input.type },
      });
    }
    const { folder, destination, policy, tags, overwrite } = input.metadata;
    const metadata = Object.fromEntries(
      Object.entries(input.metadata).filter(([name, value]) => !OPTION_FIELDS.has(name) && value !== null),
    );
    const request = parseBody(optionsSchema, {
      folder,
      destination,
      policy,
      tags:
        typeof tags === 'string'
          ? tags
              .split(',')
              .map((tag) => tag.trim())
              .filter(Boolean)
          : tags,
      metadata,
      // Uppy metadata are strings: `overwrite: "true"` asks for an overwrite like the form field.
      overwrite:
        overwrite === 'true' || overwrite === true ? true : overwrite === 'false' || overwrite === false ? false : overwrite,
    });
    const admitted = await deps.admission.admit({ principal, options: request, assetId: newAssetId() });
    res.locals.assetId = admitted.assetId;
    const { stagingKey: key, maxBytes } = admitted;
    // The size is unknown until completion: the cap stands in for it, and is what completion enforces.
    const asset = await deps.intake.awaitUpload(admitted, {
      fileName: input.filename,
      bytes: maxBytes,
      contentType: contentType.data,
    });
    return { asset, key, maxBytes, contentType: contentType.data };
  }

  /** The open upload named by `:uploadId` and `?key`, if the caller's token covers its asset. */
  async function findSession(res: Response, ref: { key: string; uploadId: string }) {
    const session = await deps.sessions.find(ref);
    res.locals.assetId = session.assetId;
    const asset = await deps.registry.get(session.assetId);
    if (!asset) throw new IngestError('not_found', `asset ${session.assetId} does not exist`);
    assertTokenCovers(principalOf(res), asset);
    return session;
  }

  /**
   * A URL for part `partNumber`, capped at what the upload has left (the local store signs the
   * cap into the URL and enforces it while the part streams). `size`, when the client declares
   * it, must fit what is left with every other part's declared size; S3 then pins it as the
   * signed `Content-Length` (see s3-multipart-uploads.ts for what S3 cannot bound).
   */
  async function signPart(session: Session, partNumber: number, size?: number) {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new IngestError('bad_request', `part numbers are 1 to ${MAX_PART_NUMBER}`);
    }
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 1)) {
      throw new IngestError('bad_request', 'size: the part size in bytes, a positive integer');
    }
    const { budget } = deps.sessions;
    const remaining = await budget.remaining(session.assetId, session.maxBytes);
    if (remaining < (size ?? 1)) {
      throw new IngestError(
        'payload_too_large',
        `the upload has ${Math.max(remaining, 0)} of its ${session.maxBytes} bytes left`,
        {
          details: { maxBytes: session.maxBytes, remainingBytes: Math.max(remaining, 0) },
        },
      );
    }
    if (size !== undefined) await budget.declare(session.assetId, partNumber, size, session.maxBytes);
    return deps.multipart.signPart({
      key: session.key,
      uploadId: session.uploadId,
      partNumber,
      expiresInSeconds: deps.expiresInSeconds,
      maxBytes: remaining,
      ...(size === undefined ? {} : { bytes: size }),
    });
  }

  /** A new asset and a POST form (or PUT) to upload it straight to staging (Companion's `/s3/params`). */
  async function singlePart(res: Response, input: UppyFileInput): Promise<UppyUploadParams> {
    const { asset, key, maxBytes, contentType } = await startAsset(res, input);
    // A POST form, as Companion answers: 6.x posts `fields` whatever the method says.
    const method = deps.signer.methods.includes('POST') ? 'POST' : 'PUT';
    const upload = await deps.signer.sign({
      key,
      contentType,
      bytes: maxBytes,
      maxBytes,
      method,
      expiresInSeconds: deps.expiresInSeconds,
    });
    return {
      method: upload.method,
      url: upload.url,
      // `fields.key` is where Uppy learns the key (the local store ignores the extra field).
      ...(upload.fields ? { fields: { key, ...upload.fields } } : {}),
      ...(upload.headers ? { headers: upload.headers } : {}),
      key,
      assetId: asset.id,
    };
  }

  /** A new asset and its multipart upload (Companion's `POST /s3/multipart`). */
  async function multipart(res: Response, input: UppyFileInput): Promise<UppyCreateMultipartResponse> {
    const { asset, maxBytes, contentType } = await startAsset(res, input);
    const ref = await deps.sessions.start({ assetId: asset.id, contentType, maxBytes });
    return { key: ref.key, uploadId: ref.uploadId, assetId: asset.id };
  }

  return { singlePart, multipart, findSession, signPart };
}

export type UppyUploads = ReturnType<typeof createUppyUploads>;

/**
 * `<base>/<token>/…`: the upload token as a path segment becomes the request's bearer. The
 * `pathToken` authentication chain (see `RouteAuth`) runs it before the uploader's.
 */
export const tokenFromPath: RequestHandler = (req, res, next) => {
  const token = String(req.params.token);
  if (!token.startsWith(UPLOAD_TOKEN_PREFIX)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    next(new IngestError('unauthorized', 'only an upload token may be a path segment of the Uppy routes'));
    return;
  }
  req.headers.authorization = `Bearer ${token}`;
  next();
};
