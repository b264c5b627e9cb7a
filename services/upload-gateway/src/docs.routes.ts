import { Router } from 'express';
import type { DestinationKind } from '@ingestkit/contracts';
import { buildOpenApiDocument } from './openapi';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * `GET /openapi.json` and `GET /docs`: the generated OpenAPI document, and a self-contained
 * page rendering it (no external scripts, so it works offline and under a strict CSP).
 */
export function docsRoutes(options: { destinations: readonly DestinationKind[] }): Router {
  const router = Router();
  const document = buildOpenApiDocument(options);
  const page = renderDocsPage(document);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(page);
  });
  return router;
}

function renderDocsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; description: string };
  const paths = document.paths as Record<
    string,
    Record<string, { summary: string; responses: Record<string, { description: string }> }>
  >;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const responses = Object.entries(operation.responses)
        .map(([status, response]) => `<li><code>${status}</code> ${escapeHtml(response.description)}</li>`)
        .join('');
      return `<section><h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2><p>${escapeHtml(operation.summary)}</p><ul>${responses}</ul></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:1rem;overflow:auto}section{border-top:1px solid #ddd}</style>
</head><body><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>, or on upload routes with an upload token from <code>POST /v1/upload-tokens</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${operations.join('\n')}
<h2>Schemas</h2><pre>${escapeHtml(JSON.stringify((document.components as { schemas: unknown }).schemas, null, 2))}</pre>
</body></html>`;
}
