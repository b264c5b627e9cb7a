import type { Server } from 'node:http';
import type { Express } from 'express';

export interface ListeningServer {
  server: Server;
  /** The bound port (useful when listening on port 0). */
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish, then drops idle keep-alive sockets. */
  close(): Promise<void>;
}

export async function listen(app: Express, options: { port: number; host: string }): Promise<ListeningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  // Uploads of hundreds of MiB from slow links must not hit Node's 5-minute request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
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
