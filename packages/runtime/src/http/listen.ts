import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { HttpServerSettings } from '../config/http-edge-env';

export interface ListeningServer {
  server: Server;
  /** The bound port (useful when listening on port 0). */
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish, then drops idle keep-alive sockets. */
  close(): Promise<void>;
}

/** The timeouts a listener gets when its service passes none: the defaults of `httpServerEnv`. */
export const DEFAULT_HTTP_SERVER_SETTINGS: Readonly<HttpServerSettings> = Object.freeze({
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 3_600_000,
  keepAliveTimeoutMs: 5_000,
});

/**
 * Starts an HTTP server for `app`. Every listener gets timeouts (`HTTP_*_TIMEOUT_MS`): headers,
 * the whole request, idle keep-alive. Node checks the first two on a timer
 * (`connectionsCheckingInterval`, 30 s by default), so it runs at a quarter of the headers
 * timeout: a slowloris is cut close to the configured time, not up to 30 s later.
 */
export async function listen(
  app: Express,
  options: { port: number; host: string; timeouts?: HttpServerSettings },
): Promise<ListeningServer> {
  const timeouts = options.timeouts ?? DEFAULT_HTTP_SERVER_SETTINGS;
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(timeouts.headersTimeoutMs / 4))),
    },
    app,
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
