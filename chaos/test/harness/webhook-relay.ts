import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the relay mistreats ImageKit's webhook deliveries on their way to the receiver. */
export interface RelayFaults {
  /** Every n-th delivery is sent a second time, byte for byte, up to 2 s later (1: all). */
  duplicateEvery?: number;
  /** Each delivery is held up to this long (uniformly drawn), so later events overtake earlier ones. */
  maxDelayMs?: number;
}

const FORWARDED = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-ik-signature'];

/**
 * Sits between the emulator's webhook dispatcher and the webhook receiver, the way the internet
 * does: it forwards each signed delivery unchanged, but can hold deliveries so they arrive out of
 * order and send some twice. The emulator sees the receiver's answer (or a 502 when the
 * receiver is down), so its own retries still apply.
 */
export class WebhookRelay {
  private server: Server | undefined;
  private faults: RelayFaults = {};
  private readonly pending = new Set<Promise<unknown>>();
  forwarded = 0;
  duplicated = 0;
  private received = 0;

  constructor(private readonly target: () => string) {}

  setFaults(faults: RelayFaults): void {
    this.faults = { ...faults };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers = pick(req.headers);
        const delay = Math.random() * (this.faults.maxDelayMs ?? 0);
        this.track(
          sleep(delay)
            .then(() => this.forward(headers, body))
            .then((status) => res.writeHead(status).end()),
        );
        const every = this.faults.duplicateEvery ?? 0;
        if (every > 0 && this.received++ % every === 0) {
          this.duplicated++;
          this.track(sleep(delay + Math.random() * 2_000).then(() => this.forward(headers, body)));
        }
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/imagekit`;
  }

  private async forward(headers: Record<string, string>, body: Buffer): Promise<number> {
    this.forwarded++;
    try {
      const response = await fetch(this.target(), { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 502;
    }
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch(() => undefined);
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pending]);
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

function pick(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
