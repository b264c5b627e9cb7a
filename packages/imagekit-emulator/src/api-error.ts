/** The `help` text ImageKit puts in every error body (real responses have a space before the period). */
export const HELP_TEXT = 'For support kindly contact us at support@imagekit.io .';

/** Error messages the emulator returns; verbatim from ImageKit's spec where one exists (see CONTRACTS.md). */
export const MESSAGES = {
  missingPrivateKey: 'Your request does not contain private API key.',
  cannotAuthenticate: 'Your account cannot be authenticated.',
  missingFile: 'Your request is missing file parameter.',
  missingFileName: 'Your request is missing fileName parameter.',
  bothAuth:
    'Your request contains both signature and basic auth parameter. Use only one method, you might be exposing your private API key.',
  bothTokenAuth:
    'Your request contains both token and basic auth parameter. Use only one method, you might be exposing your private API key.',
  invalidExpire:
    'Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future.',
  /** Exact wording unknown (CONTRACTS §2.3 [UNVERIFIED]). */
  invalidSignature: 'Your request contains invalid signature.',
  missingToken: 'Your request is missing token parameter.',
  expiredToken: 'Your request contains expired token.',
  invalidToken: 'Your request has invalid token.',
  jwtPayloadMismatch: 'Your request contains invalid payload. It does not match with the payload used to generate token.',
  cannotOverwrite:
    'A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.',
  fileTooLarge: 'Your request contains invalid file parameter. The file size exceeds limits.',
  /** Exact wording unknown. */
  invalidTags: 'Your request contains invalid tags parameter.',
  /** Exact wording unknown. */
  invalidCustomMetadata: 'Your request contains invalid customMetadata parameter.',
  /** Exact wording unknown. */
  invalidUrlFile: 'Your request contains invalid file parameter. The file URL could not be fetched.',
  /** Exact wording unknown. */
  tooManyVersions: 'The file has reached the maximum number of versions (100).',
  invalidFileId: 'Your request contains invalid fileId parameter.',
  fileNotFound: 'The requested file does not exist.',
  versionNotFound: 'The requested file version does not exist.',
  assetNotFound: 'The requested asset does not exist.',
  deleteCurrentVersion: 'You cannot delete current version of a file.',
  missingPurgeUrl: 'Your request is missing URL parameter.',
  invalidPurgeUrl: 'The URL is not valid for cache purging.',
  purgeNotFound: 'No request found for this requestId.',
  /** Exact wording and status unknown (CONTRACTS §5: blocked purges are [UNVERIFIED]). */
  purgeQuotaExceeded: 'You have exceeded the monthly cache purge quota.',
  /** Exact wording unknown; the spec documents only the `message` property. */
  rateLimited: 'Rate limit exceeded. Please retry after some time.',
  notFound: 'Not found.',
} as const;

/** An HTTP error with an ImageKit-style `{message, help}` body; thrown by handlers, rendered by `errorHandler`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The ImageKit error body for a message. */
export function errorBody(message: string): { message: string; help: string } {
  return { message, help: HELP_TEXT };
}
