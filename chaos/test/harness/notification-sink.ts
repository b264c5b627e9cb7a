import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStandardWebhook } from '@ingestkit/runtime';

/** One notification as the backend app received it. */
export interface ReceivedNotification {
  id: string;
  type: string;
  assetId: string;
  status: string;
  receivedAt: number;
}

/**
 * The backend app of the chaos runs: receives ingestkit's notifications, checks each signature
 * (a forged or altered one fails the run), answers 2xx, and keeps every delivery, duplicates
 * included, so the audit can tell a lost notification from a redelivered one.
 */
export class NotificationSink {
  readonly received: ReceivedNotification[] = [];
  readonly badSignatures: string[] = [];
  private server: Server | undefined;

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        const timestamp = Number(req.headers['webhook-timestamp']);
        const expected = signStandardWebhook({ secret: this.secret, id, timestampSeconds: timestamp, body });
        if (req.headers['webhook-signature'] !== expected['webhook-signature']) {
          this.badSignatures.push(id);
          res.writeHead(401).end();
          return;
        }
        const parsed = JSON.parse(body) as { id: string; type: string; data: { asset: { id: string; status: string } } };
        this.received.push({
          id: parsed.id,
          type: parsed.type,
          assetId: parsed.data.asset.id,
          status: parsed.data.asset.status,
          receivedAt: Date.now(),
        });
        res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notifications`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
