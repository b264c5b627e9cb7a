import type { RequestHandler, Router } from 'express';
import type { Route, RouteAuth } from './route';

/** The authentication chain of each kind of caller (see `RouteAuth`). */
export type AuthChains = Record<RouteAuth, RequestHandler[]>;

/**
 * Mounts declared routes on `router`: the caller's authentication chain, `Idempotency-Key`
 * handling where the route honours it, the route's own middleware, then its handler.
 */
export function mountRoutes(
  router: Router,
  routes: readonly Route[],
  deps: { auth: AuthChains; idempotent: RequestHandler },
): Router {
  for (const route of routes) {
    // Only public routes and signed URLs (whose handler verifies the signature) may run unauthenticated.
    if (deps.auth[route.auth].length === 0 && route.auth !== 'public' && route.auth !== 'signed') {
      throw new Error(`${route.method.toUpperCase()} ${route.path}: no authentication chain for "${route.auth}"`);
    }
    const handlers = [
      ...deps.auth[route.auth],
      ...(route.before ?? []),
      ...(route.idempotent ? [deps.idempotent] : []),
      route.handle,
    ];
    if (route.subApp) router.use(route.path, ...handlers);
    else router[route.method](route.path, ...handlers);
  }
  return router;
}
