import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Matches a presented key against known keys as SHA-256 digests with `timingSafeEqual`, so
 * neither a key's content nor its length leaks through timing. Answers the matching digest
 * (callers name a key by its prefix without revealing it), or undefined.
 */
export function createKeyMatcher(keys: readonly string[]): (presented: string) => Buffer | undefined {
  const known = keys.map(digest);
  return (presented) => {
    const hash = digest(presented);
    return known.some((key) => timingSafeEqual(key, hash)) ? hash : undefined;
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}
