import { z } from 'zod';
import { errorResponse, schemaOf } from './openapi-schema';
import { errorCodes, type ErrorCode } from '@ingestkit/contracts';
import {
  openApiPath,
  pathParameterNames,
  type JsonSchema,
  type RouteAuth,
  type RouteDocumentation,
  type RouteParameter,
  type SchemaRef,
} from '../http/route';

/** The security requirement of each kind of caller (the schemes are the document's components). */
const securityOf: Record<RouteAuth, JsonSchema[]> = {
  apiKey: [{ apiKey: [] }],
  uploader: [{ apiKey: [] }, { uploadToken: [] }],
  // The token is the path's `token` parameter: no scheme of OpenAPI describes a path segment.
  pathToken: [],
  admin: [{ adminKey: [] }],
  s3Events: [{ s3EventsToken: [] }, { apiKey: [] }],
  signed: [],
  public: [],
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'The same key and request within 24 h answers the first answer again instead of repeating the work; ' +
    'the same key with another request: 409 idempotency_conflict',
  schema: { type: 'string', maxLength: 255 },
};

function render(schema: SchemaRef, io: 'input' | 'output'): JsonSchema {
  if (schema instanceof z.ZodType) return schemaOf(schema, io);
  if (typeof schema.component === 'string' && Object.keys(schema).length === 1) {
    return { $ref: `#/components/schemas/${schema.component}` };
  }
  return schema;
}

/** An error answer: the one error body, described by the codes it carries. */
export const errorAnswer: (description: string) => JsonSchema = errorResponse;

/** The route's error codes grouped by their status in the error table. */
function errorAnswers(route: RouteDocumentation): Record<string, JsonSchema> {
  const listed: Array<readonly [ErrorCode, string?]> = (route.errors ?? []).map((entry) =>
    typeof entry === 'string' ? ([entry] as const) : entry,
  );
  const has = (code: ErrorCode) => listed.some(([listedCode]) => listedCode === code);
  const isAuthenticated = !['public', 'signed'].includes(route.auth);
  if (isAuthenticated && !has('unauthorized')) listed.unshift(['unauthorized']);
  // The API-key and uploader chains (and the path token's, an uploader's) count requests per caller (see gateway.ts).
  if (['apiKey', 'uploader', 'pathToken'].includes(route.auth) && !has('rate_limited')) {
    listed.push(['rate_limited', 'too many requests from this caller; retry after Retry-After']);
  }
  if (route.idempotent && !has('idempotency_conflict')) {
    listed.push([
      'idempotency_conflict',
      'the Idempotency-Key was used with another request, or its first request is still running',
    ]);
  }
  const byStatus = new Map<number, string[]>();
  for (const [code, note] of listed) {
    const status = errorCodes[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), note ? `${code}: ${note}` : code]);
  }
  return Object.fromEntries([...byStatus].map(([status, texts]) => [String(status), errorAnswer(texts.join('; '))]));
}

function parametersOf(route: RouteDocumentation): JsonSchema[] {
  const declared = route.parameters ?? [];
  const path = pathParameterNames(route.path).map(
    (name): RouteParameter =>
      declared.find((parameter) => parameter.in === 'path' && parameter.name === name) ?? { name, in: 'path' },
  );
  const rendered = (parameter: RouteParameter): JsonSchema =>
    parameter.schema instanceof z.ZodType ? { ...parameter, schema: schemaOf(parameter.schema, 'input') } : { ...parameter };
  const query: JsonSchema[] = [];
  if (route.query) {
    const schema = schemaOf(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const { description, ...rest } = property as { description?: string };
      query.push({
        name,
        in: 'query',
        required: schema.required?.includes(name) ?? false,
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  const others = declared.filter((parameter) => parameter.in !== 'path');
  return [
    ...path.map((parameter) => ({ schema: { type: 'string' }, ...rendered(parameter), required: true })),
    ...query,
    ...others.map((parameter) => ({ schema: { type: 'string' }, required: false, ...rendered(parameter) })),
    ...(route.idempotent ? [IDEMPOTENCY_KEY] : []),
  ];
}

/** One operation of the document, from its route. */
export function operationOf(route: RouteDocumentation): JsonSchema {
  const parameters = parametersOf(route);
  const answers = Object.fromEntries(
    Object.entries(route.answers).map(([status, answer]) => [
      status,
      {
        description: answer.description,
        ...(answer.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(answer.headers).map(([name, header]) => [name, { ...header, schema: { type: 'string' } }]),
              ),
            }
          : {}),
        ...(answer.body
          ? { content: { [answer.contentType ?? 'application/json']: { schema: render(answer.body, 'output') } } }
          : {}),
        ...(!answer.body && answer.contentType ? { content: { [answer.contentType]: {} } } : {}),
      },
    ]),
  );
  return {
    summary: route.summary,
    security: securityOf[route.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required ?? true,
            content: {
              [route.body.contentType]: {
                schema: render(route.body.schema, 'input'),
                ...(route.body.encoding ? { encoding: route.body.encoding } : {}),
              },
            },
          },
        }
      : {}),
    responses: { ...answers, ...errorAnswers(route) },
  };
}

/** The document's `paths`, from every route. */
export function openApiPaths(routes: readonly RouteDocumentation[]): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    (paths[openApiPath(route.path)] ??= {})[route.method] = operationOf(route);
  }
  return paths;
}
