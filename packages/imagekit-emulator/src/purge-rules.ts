/** Purge patterns ImageKit never accepts, whatever their length (CONTRACTS §7). */
const BLOCKED_PATTERNS = new Set(['/media/catalog/*', '/s/files/*']);

/** The result of validating a purge URL. */
export type PurgeUrlCheck = { ok: true; path: string; isWildcard: boolean } | { ok: false };

/**
 * Validates a purge URL against ImageKit's documented rules. Without `*` any http(s) URL is accepted.
 * A wildcard is allowed only as the last character, and only when the path (after the URL endpoint,
 * i.e. without the imagekitId) has at least 2 levels (`/images/upload*`), or is at least 15 characters
 * long, or is a complete file name with an extension (`/sample.jpg*`).
 *
 * @param urlEndpoints endpoints whose prefix is stripped before the rules apply (e.g. `http://host/demo`);
 *   on `ik.imagekit.io` the first segment (the imagekitId) is stripped; otherwise the whole path is used.
 */
export function checkPurgeUrl(url: string, urlEndpoints: readonly string[]): PurgeUrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false };
  const path = pathAfterEndpoint(url, urlEndpoints);
  const star = path.indexOf('*');
  if (star === -1) return { ok: true, path, isWildcard: false };
  if (star !== path.length - 1 || BLOCKED_PATTERNS.has(path)) return { ok: false };
  const prefix = path.slice(0, -1);
  const levels = prefix.split('/').filter((segment) => segment.length > 0).length;
  const lastSegment = prefix.slice(prefix.lastIndexOf('/') + 1);
  const isFileWithExtension = /^[^.]+.*\.[A-Za-z0-9]+$/.test(lastSegment);
  const ok = levels >= 2 || prefix.length >= 15 || isFileWithExtension;
  return ok ? { ok: true, path, isWildcard: true } : { ok: false };
}

/** The path (with query) of `url` after the longest matching endpoint prefix, always starting with `/`. */
export function pathAfterEndpoint(url: string, urlEndpoints: readonly string[]): string {
  const endpoint = [...urlEndpoints]
    .map((candidate) => candidate.replace(/\/+$/, ''))
    .sort((a, b) => b.length - a.length)
    .find((candidate) => url === candidate || url.startsWith(`${candidate}/`));
  if (endpoint !== undefined) return url.slice(endpoint.length) || '/';
  const parsed = new URL(url);
  const path = `${parsed.pathname}${parsed.search}`;
  // On ImageKit's shared domain the first segment is the imagekitId, which the rules exclude.
  if (parsed.hostname === 'ik.imagekit.io') return path.replace(/^\/[^/]*/, '') || '/';
  return path;
}

/** Whether a purge `path` (as returned by {@link checkPurgeUrl}) covers a served `target` path (with query). */
export function purgeCovers(path: string, isWildcard: boolean, target: string): boolean {
  if (isWildcard) return target.startsWith(path.slice(0, -1));
  return target === path;
}
