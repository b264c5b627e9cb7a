import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError, MESSAGES, errorBody } from './api-error';
import { cdnRoutes } from './cdn.routes';
import { type EmulatorContext } from './context';
import { FaultController, type RouteClass } from './faults';
import { FileStore, type FileRecord } from './file-store';
import { filesRoutes } from './files.routes';
import { type PurgeRecord, PurgeTracker } from './purge-tracker';
import { purgeRoutes } from './purge.routes';
import { type EmulatorOptions, type FaultOptions } from './types';
import { uploadRoutes } from './upload.routes';
import { type WebhookDelivery, WebhookDispatcher } from './webhook-dispatcher';

/** A running emulator. */
export interface Emulator {
  /** The origin, e.g. `http://127.0.0.1:41234`; use it as the SDK's `baseURL` (uploads and API share it). */
  readonly url: string;
  /** Where files are served: `${url}/<imagekitId>`; a file is at `${urlEndpoint}${filePath}`. */
  readonly urlEndpoint: string;
  /** Replaces the fault settings (all of them) from now on. */
  setFaults(faults: FaultOptions): void;
  /** Stored files with all their versions (live records: treat as read-only). */
  files(): FileRecord[];
  /** Purge requests received, oldest first. */
  purges(): PurgeRecord[];
  /** Webhook delivery attempts so far, in order (empty without `webhookUrl`). */
  webhookDeliveries(): WebhookDelivery[];
  /** Stops listening, drops open connections and cancels webhook retries. */
  close(): Promise<void>;
}

/** Starts an ImageKit-compatible server (upload API, management API, purge, fake CDN, webhooks) on one origin. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (options.webhookUrl && !options.webhookSecret?.startsWith('whsec_')) {
    throw new Error('webhookSecret (whsec_…) is required when webhookUrl is set');
  }
  let urlEndpoint = '';
  const faults = new FaultController(options.faults);
  const webhooks = options.webhookUrl
    ? new WebhookDispatcher({
        url: options.webhookUrl,
        secret: options.webhookSecret ?? '',
        ...(options.webhookEvents ? { events: options.webhookEvents } : {}),
        ...(options.webhookRetry ? { retry: options.webhookRetry } : {}),
      })
    : undefined;
  const ctx: EmulatorContext = {
    privateKey: options.privateKey,
    publicKey: options.publicKey,
    imagekitId: options.imagekitId ?? 'emulator',
    maxUploadBytes: options.maxUploadBytes ?? 25 * 1024 * 1024,
    store: new FileStore(),
    purges: new PurgeTracker(options.purgeCompletesAfterMs ?? 100, options.purgeQuota ?? 1000),
    usedTokens: new Set(),
    ...(webhooks ? { webhooks } : {}),
    urlEndpoint: () => urlEndpoint,
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(faults.middleware(classifyRoute));
  app.use(uploadRoutes(ctx), purgeRoutes(ctx), filesRoutes(ctx), cdnRoutes(ctx, { cache: options.cdnCache ?? false }));
  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody(MESSAGES.notFound));
  });
  app.use(errorHandler);

  const server = createServer(app);
  const sockets = trackSockets(server, () => faults.isDown());
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const url = originOf(server);
  urlEndpoint = `${url}/${ctx.imagekitId}`;

  return {
    url,
    urlEndpoint,
    setFaults: (next) => faults.set(next),
    files: () => ctx.store.list(),
    purges: () => ctx.purges.list(),
    webhookDeliveries: () => webhooks?.deliveries() ?? [],
    close: async () => {
      webhooks?.close();
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Upload paths, management API (`/v1/…`) or fake CDN. */
function classifyRoute(req: Request): RouteClass {
  if (req.path.startsWith('/api/')) return 'upload';
  if (req.path.startsWith('/v1/')) return 'api';
  return 'cdn';
}

/** Renders `ApiError`s as ImageKit error bodies; anything else is a 500 with the same body shape. */
function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ApiError) {
    res.status(error.status).json(errorBody(error.message));
    return;
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res.status(status).json(errorBody(error instanceof Error ? error.message : 'Bad request.'));
    return;
  }
  res.status(500).json(errorBody(`Internal emulator error: ${error instanceof Error ? error.message : String(error)}`));
}

/** Tracks open sockets (so `close()` can end keep-alive connections) and drops new ones while "down". */
function trackSockets(server: Server, isDown: () => boolean): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (isDown()) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function originOf(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
