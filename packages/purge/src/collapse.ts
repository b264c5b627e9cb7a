import { isAllowedWildcard } from './wildcard';

/** A set of requests that one purge rule covers: an exact URL, or a prefix with a trailing `*`. */
export interface PurgeUnit {
  /** The exact URL, or the prefix of a wildcard rule (without its `*`). */
  key: string;
  isWildcard: boolean;
  /** The ids of the requests this unit covers. */
  ids: string[];
  /** The oldest `receivedAt` among the covered requests (ms). */
  receivedAt: number;
}

/**
 * Merges units under one prefix into a single `prefix*` unit whenever at least `threshold` units
 * (exact URLs or narrower wildcards) fall under it and ImageKit accepts the wildcard. Candidate
 * prefixes are every folder of every URL plus each URL without its query string (`/a.jpg*` covers
 * the `?tr=` variants); longer prefixes go first, so the narrowest wildcard that pays off wins and
 * a wider one only absorbs what is left.
 *
 * @param threshold at least 2: merging a single unit saves nothing.
 */
export function collapseUnits(units: readonly PurgeUnit[], threshold: number, urlEndpoints: readonly string[]): PurgeUnit[] {
  const minimum = Math.max(2, threshold);
  const candidates = [...new Set(units.flatMap((unit) => (unit.isWildcard ? [] : candidatePrefixes(unit.key))))]
    .filter((prefix) => isAllowedWildcard(`${prefix}*`, urlEndpoints))
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  let current = [...units];
  for (const prefix of candidates) {
    const inside = current.filter((unit) => unit.key.startsWith(prefix));
    if (inside.length < minimum) continue;
    current = current.filter((unit) => !unit.key.startsWith(prefix));
    current.push({
      key: prefix,
      isWildcard: true,
      ids: inside.flatMap((unit) => unit.ids),
      receivedAt: Math.min(...inside.map((unit) => unit.receivedAt)),
    });
  }
  return current;
}

/** The URL without its query, then each of its folders (ending in `/`) up to the origin. */
function candidatePrefixes(url: string): string[] {
  const base = url.split('?')[0] ?? url;
  const origin = new URL(base).origin;
  const prefixes = [base];
  for (let slash = base.lastIndexOf('/'); slash >= origin.length; slash = base.lastIndexOf('/', slash - 1)) {
    prefixes.push(base.slice(0, slash + 1));
  }
  return prefixes;
}
