import express, { type RequestHandler } from 'express';
import { jsonTextDepth, MAX_JSON_BODY_DEPTH } from '@ingestkit/contracts';

/**
 * Express's JSON parser with a nesting bound: the raw text is scanned before it is parsed, and
 * a body nesting deeper than `MAX_JSON_BODY_DEPTH` is 400 `bad_request`. `JSON.parse` itself
 * copes with any depth, but what handles the parsed value next (`JSON.stringify` for an
 * Idempotency-Key fingerprint or for Redis, recursive validation) would overflow the stack on
 * a few thousand levels and answer 500. Use it for every JSON route.
 */
export function jsonBody(options: { limit: string; type?: string[] }): RequestHandler {
  return express.json({
    limit: options.limit,
    // Media types parsed; default application/json (`PATCH /v1/assets/:id` adds merge-patch+json).
    ...(options.type ? { type: options.type } : {}),
    verify: (_req, _res, buffer) => {
      const depth = jsonTextDepth(buffer.toString('utf8'));
      if (depth > MAX_JSON_BODY_DEPTH) {
        // body-parser keeps this status (a plain error; IngestError's status is read-only).
        throw Object.assign(new Error(`the JSON body nests deeper than ${MAX_JSON_BODY_DEPTH} levels`), {
          status: 400,
          expose: true,
          type: 'entity.too.deep',
        });
      }
    },
  });
}
