import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: pass it on, answer instead of the gateway, or drop the answer. */
export type ProxyAction = 'pass' | 'backlog_full' | 'drop_after_forward';

/**
 * An HTTP proxy in front of the gateway that misbehaves on purpose: `decide` picks, per request,
 * whether to pass it, answer `503 backlog_full` itself (`Retry-After: 1`), or forward it and then
 * cut the client's connection before the answer reaches it (the gateway did the work).
 */
export async function startFaultProxy(target: string, decide: (req: IncomingMessage) => ProxyAction) {
  const upstream = new URL(target);
  const seen: Array<{ method: string; path: string; action: ProxyAction; idempotencyKey?: string }> = [];
  const server: Server = createServer((req, res: ServerResponse) => {
    const action = decide(req);
    const key = req.headers['idempotency-key'];
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      action,
      ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
    });
    if (action === 'backlog_full') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'backlog_full', message: 'injected by the test proxy' } }));
      });
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (action === 'drop_after_forward') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => req.socket.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
