import type { ErrorCode } from '@ingestkit/contracts';

/** The paths every service's HTTP app serves (see `createHttpApp`). */
export type OperationalPath = '/healthz' | '/readyz' | '/metrics';

/**
 * One of the routes `createHttpApp` mounts, as data: what it is and what it answers. The
 * runtime mounts its handlers by `path`; a service that publishes an OpenAPI document (the
 * upload gateway) documents these routes from this description, so the runtime needs to know
 * nothing of the service's route descriptors and neither side writes the paths twice.
 */
export interface OperationalRoute {
  method: 'get';
  path: OperationalPath;
  summary: string;
  auth: 'public';
  answers: Record<number, { description: string; contentType?: string; body?: Record<string, unknown> }>;
  errors?: readonly ErrorCode[];
}

/** The health, readiness and metrics routes, as `createHttpApp` serves them with these settings. */
export function operationalRoutes(edge?: { metricsToken?: string }): OperationalRoute[] {
  const hasMetricsToken = edge?.metricsToken !== undefined;
  return [
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process is alive',
      auth: 'public',
      answers: {
        200: {
          description: 'alive',
          body: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
        },
      },
    },
    {
      method: 'get',
      path: '/readyz',
      summary: "Readiness: every dependency the service checks answers (the gateway's: Redis and the staging store)",
      auth: 'public',
      answers: {
        200: { description: 'ready', body: READINESS },
        503: { description: 'a dependency is down (the failing checks say which)', body: READINESS },
      },
    },
    {
      method: 'get',
      path: '/metrics',
      summary: hasMetricsToken
        ? 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>)'
        : 'Prometheus metrics (open: no METRICS_TOKEN is configured)',
      auth: 'public',
      answers: { 200: { description: 'the Prometheus text exposition format', contentType: 'text/plain' } },
      ...(hasMetricsToken ? { errors: ['unauthorized'] as const } : {}),
    },
  ];
}

const READINESS = {
  type: 'object',
  properties: {
    status: { enum: ['ready', 'unavailable'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } },
        required: ['name', 'ok'],
      },
    },
  },
  required: ['status', 'checks'],
};
