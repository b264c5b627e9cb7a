import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '@ingestkit/contracts';

/** An OpenAPI / JSON Schema fragment, as written in the document. */
export type JsonSchema = Record<string, unknown>;

/**
 * Who may call a route. The gateway maps each to its authentication chain (`mountRoutes`) and
 * the document to its security schemes (`openApiPaths`):
 * - `apiKey`: an API key; `uploader`: an API key or an upload token; `admin`: an admin key;
 * - `pathToken`: an upload token as the path's `:token` segment (Uppy 6.x, which sends no headers;
 *   OpenAPI has no scheme for a path segment, so the document shows it as the `token` parameter);
 * - `s3Events`: the S3 events token, or an API key; `signed`: the URL's own signature (local direct uploads);
 * - `public`: nobody (health, docs, delivered files).
 */
export type RouteAuth = 'apiKey' | 'uploader' | 'pathToken' | 'admin' | 's3Events' | 'signed' | 'public';

/** A schema for the document: a zod contract (rendered to JSON Schema), a component's name, or JSON Schema. */
export type SchemaRef = z.ZodType | { component: string } | JsonSchema;

/** One success answer of a route. */
export interface RouteAnswer {
  description: string;
  /** The JSON body's schema; absent for an empty body. */
  body?: SchemaRef;
  /** Another content type than JSON (an image, HTML). */
  contentType?: string;
  headers?: Record<string, { description: string }>;
}

/** A request parameter in the path, the query or a header. */
export interface RouteParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  /** A zod contract (rendered as the request's input) or JSON Schema; default: a string. */
  schema?: z.ZodType | JsonSchema;
}

/** A required query parameter a signed URL carries (its signature covers it). */
export function signedParameter(name: string, description: string): RouteParameter {
  return { name, in: 'query', required: true, description };
}

/**
 * A route, declared once: the gateway's router and the OpenAPI document are both derived from
 * it, so a path or a schema is never written twice.
 */
export interface Route extends RouteDocumentation {
  /** Middleware after authentication (body parsers, limits), before the handler. */
  before?: RequestHandler[];
  /**
   * A sub-application (Bull Board) mounted at `path`: every method and sub-path reaches
   * `handle`; the document lists only the entry declared here.
   */
  subApp?: boolean;
  handle: RequestHandler;
}

/**
 * What the document needs of a route: everything but how it is served. Routes the gateway does
 * not mount itself (the runtime's health, readiness and metrics routes) are documented from this.
 */
export interface RouteDocumentation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
  /** Express's path syntax: `/v1/assets/:id`, a wildcard as `*key`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  /** Path parameters default to strings; name them here to type or describe them. */
  parameters?: RouteParameter[];
  /** The query contract (its fields become query parameters). */
  query?: z.ZodObject;
  /** The request body: its content type and schema (the handler parses it). */
  body?: { contentType: string; schema: SchemaRef; required?: boolean; encoding?: JsonSchema };
  /** Success answers by status. */
  answers: Record<number, RouteAnswer>;
  /**
   * The error codes this route answers, from the one error table (each grouped under its
   * status), optionally with a note on when: `['not_found', ['conflict', 'only failed assets']]`.
   * Added by the declaration itself: `unauthorized` for every authenticated route, `rate_limited`
   * for API-key and uploader routes (their chains count requests), `idempotency_conflict` for
   * idempotent ones.
   */
  errors?: ReadonlyArray<ErrorCode | readonly [ErrorCode, string]>;
  /** Honours `Idempotency-Key` (documents the header; `mountRoutes` adds the middleware). */
  idempotent?: boolean;
}

/** Declares a route (an identity: it gives the object its type where it is written). */
export function defineRoute(route: Route): Route {
  return route;
}

/** `/v1/assets/:id` → `/v1/assets/{id}`; a wildcard `*key` → `{key}`. */
export function openApiPath(path: string): string {
  return path.replace(/\{?\*(\w+)\}?/g, '{$1}').replace(/:(\w+)/g, '{$1}');
}

/** The names of a path's parameters, in order. */
export function pathParameterNames(path: string): string[] {
  return [...openApiPath(path).matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}
