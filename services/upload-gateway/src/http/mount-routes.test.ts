import express, { Router, type RequestHandler } from 'express';
import { defineRoute } from './route';
import { mountRoutes, type AuthChains } from './mount-routes';

const none: AuthChains = { apiKey: [], uploader: [], pathToken: [], admin: [], s3Events: [], signed: [], public: [] };
const answer =
  (text: string): RequestHandler =>
  (req, res) => {
    res.send(`${text} ${req.method} ${req.path}`);
  };

async function call(router: Router, method: string, path: string): Promise<string> {
  const server = express().use(router).listen(0);
  try {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return `${res.status} ${await res.text()}`;
  } finally {
    server.close();
  }
}

describe('mountRoutes', () => {
  it('refuses at boot a route whose caller has no authentication chain', () => {
    const route = defineRoute({ method: 'get', path: '/x', summary: 'x', auth: 'admin', answers: {}, handle: answer('x') });
    expect(() => mountRoutes(Router(), [route], { auth: none, idempotent: answer('idem') })).toThrow(
      'GET /x: no authentication chain for "admin"',
    );
  });

  it('mounts a sub-application for every method and sub-path, behind its chain', async () => {
    const seen: string[] = [];
    const auth: AuthChains = { ...none, admin: [(req, _res, next) => (seen.push(req.originalUrl), next())] };
    const board = Router().post('/api/retry', answer('board'));
    const route = defineRoute({
      method: 'get',
      path: '/admin/queues',
      summary: 'board',
      auth: 'admin',
      subApp: true,
      answers: {},
      handle: board,
    });
    const router = mountRoutes(Router(), [route], { auth, idempotent: answer('idem') });
    expect(await call(router, 'POST', '/admin/queues/api/retry')).toBe('200 board POST /api/retry');
    expect(seen).toEqual(['/admin/queues/api/retry']);
  });
});
