/**
 * ImageKit's wildcard purge rules (CONTRACTS §7), read conservatively: when the contract is
 * ambiguous this module refuses, because a rule ImageKit rejects costs a failed call and leaves
 * stale images, while a refused collapse only costs a few extra purges.
 */

/** Prefixes ImageKit never accepts a wildcard on, whatever their length (CONTRACTS §7). */
const BLOCKED_PREFIXES = new Set(['/media/catalog/', '/media/catalog', '/s/files/', '/s/files']);

/** Characters a prefix needs, not counting its leading `/`, to pass on length alone. */
const MIN_PREFIX_CHARS = 15;

const FILE_WITH_EXTENSION = /^[^.]+.*\.[A-Za-z0-9]+$/;

/**
 * The path of `url` after the longest of `urlEndpoints` that it starts with (the imagekitId and
 * URL pattern are part of the endpoint), always starting with `/`; `undefined` when no endpoint
 * matches, since the rules cannot then tell where the endpoint ends.
 */
export function pathAfterEndpoint(url: string, urlEndpoints: readonly string[]): string | undefined {
  const endpoint = urlEndpoints
    .map((candidate) => candidate.replace(/\/+$/, ''))
    .filter((candidate) => url === candidate || url.startsWith(`${candidate}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (endpoint === undefined) return undefined;
  return url.slice(endpoint.length) || '/';
}

/**
 * Whether ImageKit accepts `rule` as a wildcard purge. `rule` is either a path relative to the URL
 * endpoint (`/images/upload*`) or a full URL, whose endpoint must then be one of `urlEndpoints`.
 *
 * Accepted only when `*` is the last and only wildcard, the rule has no query string, its prefix is
 * not one ImageKit blocks (`/media/catalog/`, `/s/files/`), and any one of these holds:
 * 1. the prefix has at least 2 path levels (`/images/upload*`, `/a/b/*`; not `/images*`, `/images/*`);
 * 2. the prefix is at least 15 characters long, not counting its leading `/` (stricter than the
 *    emulator, which counts the `/`: the contract does not say, so the safe reading is kept);
 * 3. the prefix ends with a complete file name with an extension (`/sample.jpg*`).
 */
export function isAllowedWildcard(rule: string, urlEndpoints: readonly string[] = []): boolean {
  const path = rule.startsWith('/') ? rule : fullUrlPath(rule, urlEndpoints);
  if (path === undefined || !path.endsWith('*')) return false;
  const prefix = path.slice(0, -1);
  if (prefix.includes('*') || prefix.includes('?') || prefix.includes('#')) return false;
  if (BLOCKED_PREFIXES.has(prefix)) return false;
  const levels = prefix.split('/').filter((segment) => segment.length > 0).length;
  const lastSegment = prefix.slice(prefix.lastIndexOf('/') + 1);
  return levels >= 2 || prefix.length - 1 >= MIN_PREFIX_CHARS || FILE_WITH_EXTENSION.test(lastSegment);
}

/** Whether a purge `rule` (an exact URL, or a prefix ending in `*`) covers `url`. */
export function ruleCovers(rule: string, url: string): boolean {
  return rule.endsWith('*') ? url.startsWith(rule.slice(0, -1)) : rule === url;
}

function fullUrlPath(rule: string, urlEndpoints: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(rule);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return pathAfterEndpoint(rule, urlEndpoints);
}
