import { dirname } from 'node:path';
import express, { Router } from 'express';
import type { DestinationKind } from '@ingestkit/contracts';
import { buildOpenApiDocument } from './openapi';
import { defineRoute, type Route, type RouteDocumentation } from '../http/route';

/** The files of Swagger UI the page loads, served from the installed package (no CDN). */
const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'];

/** Scripts and styles from this origin only: the reference works offline and under this policy. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ingestkit upload gateway API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// Served as a file rather than inline, so the policy needs no 'unsafe-inline' for scripts.
// `validatorUrl: null`: Swagger UI would otherwise send the document to a public validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'BaseLayout',
});
`;

/**
 * `GET /openapi.json`: the OpenAPI document, built once at boot from `routes` (every other
 * route the gateway serves: its declared routes and the runtime's operational ones) and this
 * route's own declaration.
 */
export function openApiRoutes(options: {
  destinations: readonly DestinationKind[];
  routes: readonly RouteDocumentation[];
}): Route[] {
  const route = defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    auth: 'public',
    answers: { 200: { description: 'The OpenAPI 3.1 document (JSON)', body: { type: 'object' } } },
    handle: (_req, res) => {
      res.json(document);
    },
  });
  const document = buildOpenApiDocument({ ...options, routes: [...options.routes, route] });
  return [route];
}

/**
 * `GET /docs`: an interactive API reference (Swagger UI from the installed `swagger-ui-dist`,
 * no CDN) of `/openapi.json`, whose "Try it out" sends requests to this gateway. A page and its
 * static files, not part of the API: plain routes, not declared ones.
 */
export function docsReferenceRoutes(): Router {
  const router = Router();
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').setHeader('Cache-Control', 'no-cache').send(INIT);
  });
  const files = express.static(assets, { index: false, fallthrough: false, maxAge: '1h' });
  router.get('/docs/assets/:file', (req, res, next) => {
    if (!SWAGGER_UI_FILES.includes(String(req.params.file))) return next();
    req.url = `/${String(req.params.file)}`;
    files(req, res, next);
  });
  return router;
}
