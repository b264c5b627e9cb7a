import { ApiError, MESSAGES } from './api-error';
import { type UploadedPart } from './multipart';
import { mimeFromName } from './media-info';

/** `"true"`/`"false"` form values as booleans, `fallback` when absent or anything else. */
export function parseBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/** Comma-joined tags → array (`undefined` when not sent). Enforces ≤ 500 characters in total and no `%`. */
export function parseTags(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  if (tags.join('').length > 500 || value.includes('%')) throw new ApiError(400, MESSAGES.invalidTags);
  return tags;
}

/** A JSON object string → object (`undefined` when not sent); anything else is a 400. */
export function parseCustomMetadata(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the 400
  }
  throw new ApiError(400, MESSAGES.invalidCustomMetadata);
}

/** Comma-joined `responseFields` → trimmed names. */
export function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * The uploaded bytes: the binary `file` part, or a text `file` field holding an http(s) URL
 * (fetched; headers must arrive within 8 s), a data URI or plain base64.
 */
export async function resolveFileBytes(
  part: UploadedPart | undefined,
  text: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  let bytes: Buffer;
  if (part) bytes = part.bytes;
  else if (text === undefined || text === '') throw new ApiError(400, MESSAGES.missingFile);
  else if (/^https?:\/\//i.test(text)) bytes = await fetchFile(text);
  else if (text.startsWith('data:')) bytes = Buffer.from(text.slice(text.indexOf(',') + 1), 'base64');
  else bytes = Buffer.from(text, 'base64');
  if (bytes.length > maxBytes) throw new ApiError(400, MESSAGES.fileTooLarge);
  return bytes;
}

async function fetchFile(url: string): Promise<Buffer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(8_000) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  } catch {
    throw new ApiError(400, MESSAGES.invalidUrlFile);
  }
}

/** The MIME type a client declared for the part, unless it is the generic octet-stream. */
export function declaredMime(part: UploadedPart | undefined, fileName: string): string {
  if (part && part.mimeType && part.mimeType !== 'application/octet-stream') return part.mimeType;
  return mimeFromName(fileName);
}
