import type { IncomingHttpHeaders } from 'node:http';

/** Methods that change nothing, so a cross-site one is harmless (and Bull Board's pages need them). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser sent this state-changing request from another site: the CSRF check for
 * routes whose credentials a browser attaches by itself (HTTP Basic, cached after Bull Board's
 * prompt). `Sec-Fetch-Site` decides when present (every current browser sends it): only
 * `same-origin` and `none` (typed in, bookmarks) pass. Otherwise an `Origin` naming another
 * host (or `null`) is cross-site. A request with neither is not a browser's cross-site request
 * (curl, scripts) and passes. Hosts are compared without the scheme, so a TLS-terminating
 * proxy in front does not make the gateway's own pages look foreign.
 */
export function isCrossSiteStateChange(request: { method: string; headers: IncomingHttpHeaders }): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true; // `null` or garbage: an opaque origin
  }
}
