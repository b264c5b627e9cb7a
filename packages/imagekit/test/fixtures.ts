// Shared fixtures for the adapter's integration tests: keys, an emulator, an adapter pointed at it, tiny PNGs.
import { type Emulator, startEmulator } from '@ingestkit/imagekit-emulator';
import { createImageKitClient, type ImageKitClient, type ImageKitClientOptions } from '../src';

export const PRIVATE_KEY = 'private_adapter_test_key';
export const PUBLIC_KEY = 'public_adapter_test_key';

/** Starts an emulator with the test keys and a fast purge. */
export function startTestEmulator(): Promise<Emulator> {
  return startEmulator({ privateKey: PRIVATE_KEY, publicKey: PUBLIC_KEY, purgeCompletesAfterMs: 50 });
}

/** The adapter under test, pointed at `emulator`. */
export function adapterFor(emulator: Emulator, options: Partial<ImageKitClientOptions> = {}): ImageKitClient {
  return createImageKitClient({
    privateKey: PRIVATE_KEY,
    publicKey: PUBLIC_KEY,
    urlEndpoint: emulator.urlEndpoint,
    baseURL: emulator.url,
    timeoutMs: 5_000,
    ...options,
  });
}

/** A minimal PNG (signature + IHDR): enough for the emulator's type and dimension sniffing. */
export function pngBytes(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes, 0);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes[24] = 8;
  bytes[25] = 6;
  return bytes;
}

/** Runs `fn` and returns what it threw; fails when it did not throw. */
export async function caught(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
