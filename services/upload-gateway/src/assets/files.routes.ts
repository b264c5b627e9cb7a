import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import { defineRoute, type Route } from '../http/route';

const contentTypes: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tiff': 'image/tiff',
};

/**
 * Serves files of the `local` destination (keys under `assets/`) at `/files/<key>`, so that
 * `asset.output.url` can be fetched on the embedded default. Public, like a CDN origin; keys
 * are immutable (a new version gets a new key), hence the year-long cache header.
 */
export function localFilesRoutes(deps: { store: ObjectStore }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/files/assets/*path',
      summary: 'A file delivered to the local destination (public, immutable)',
      auth: 'public',
      parameters: [
        {
          name: 'path',
          in: 'path',
          description: 'The delivered key below assets/, slashes included (e.g. trips/ast_…/photo.webp)',
        },
      ],
      answers: { 200: { description: 'The image', contentType: 'image/*' } },
      errors: ['not_found'],
      handle: async (req, res) => {
        const segments = (req.params as { path?: string[] }).path ?? [];
        const key = `assets/${segments.join('/')}`;
        const info = await deps.store.head(key);
        if (!info) throw new IngestError('not_found', 'no such file');
        res.setHeader('Content-Type', contentTypes[extname(key).toLowerCase()] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(info.bytes));
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        await pipeline(await deps.store.get(key), res);
      },
    }),
  ];
}
