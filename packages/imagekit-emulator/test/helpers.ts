// Shared fixtures for the emulator's integration tests: keys, an SDK client, tiny images and a webhook receiver.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import ImageKit, { toFile } from '@imagekit/nodejs';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src';

export const PRIVATE_KEY = 'private_test_key_0123456789';
export const PUBLIC_KEY = 'public_test_key_0123456789';
export const WEBHOOK_SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLWVtdWxhdG9y';

/** Starts an emulator with the test keys. */
export function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ privateKey: PRIVATE_KEY, publicKey: PUBLIC_KEY, ...options });
}

/** The real v7 SDK pointed at the emulator, without retries. */
export function sdkFor(emulator: Emulator, options: Partial<ConstructorParameters<typeof ImageKit>[0]> = {}): ImageKit {
  return new ImageKit({ privateKey: PRIVATE_KEY, baseURL: emulator.url, maxRetries: 0, timeout: 5_000, ...options });
}

/** A minimal PNG header (IHDR only): enough for type and dimension sniffing. */
export function pngBytes(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes, 0);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes[24] = 8;
  bytes[25] = 6;
  return bytes;
}

/** An uploadable PNG for the SDK. */
export function pngFile(width: number, height: number, name = 'image.png') {
  return toFile(pngBytes(width, height), name, { type: 'image/png' });
}

/** A received webhook request. */
export interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local HTTP endpoint that records webhook POSTs and answers with queued statuses (then 200). */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses for the next responses, in order. */
  respondWith(...statuses: number[]): void;
  /** Resolves once at least `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    respondWith: (...next) => statuses.push(...next),
    waitFor: async (count, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
