/**
 * A CDN that can invalidate cached URLs. One adapter per CDN; the purge service picks one in
 * `start.ts` and knows nothing else about it.
 */
export interface PurgeBackend {
  /**
   * Submits one purge. `rule` is an exact URL or a `prefix*` wildcard that the planner has already
   * checked against the CDN's rules. Resolves once the CDN accepted the request, not when caches
   * are clear. Throws `IngestError` (e.g. `rate_limited` with `details.retryAfterMs`).
   */
  purge(rule: string): Promise<{ requestId: string }>;
  /** Whether an accepted purge has reached every edge. */
  status(requestId: string): Promise<'Pending' | 'Completed'>;
}
