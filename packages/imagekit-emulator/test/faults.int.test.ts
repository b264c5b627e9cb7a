// Proves injected faults reach the SDK as ImageKit's failures would: RateLimitError, InternalServerError, connection errors, latency.
import type ImageKit from '@imagekit/nodejs';
import { APIConnectionError, InternalServerError, RateLimitError } from '@imagekit/nodejs';
import { type Emulator } from '../src';
import { caught, pngFile, sdkFor, startTestEmulator } from './helpers';

let emulator: Emulator;
let ik: ImageKit;

beforeAll(async () => {
  emulator = await startTestEmulator();
  ik = sdkFor(emulator);
});
afterEach(() => emulator.setFaults({}));
afterAll(() => emulator.close());

describe('fault injection', () => {
  it('answers 429 with the X-RateLimit-* headers, which the SDK raises as RateLimitError', async () => {
    emulator.setFaults({ rateLimitRatio: 1, retryAfterSeconds: 2 });
    const error = await caught(() => ik.assets.list());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(429);
    expect(error.error).toEqual({ message: expect.any(String) });
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-reset', 'x-ratelimit-interval']) {
      expect(Number(error.headers.get(header))).toBeGreaterThan(0);
    }
    expect(error.headers.get('retry-after')).toBe('2');
  });

  it('exempts uploads from rate limiting, as ImageKit does', async () => {
    emulator.setFaults({ rateLimitRatio: 1 });
    await expect(ik.files.upload({ file: await pngFile(1, 1), fileName: 'exempt.png' })).resolves.toHaveProperty('fileId');
  });

  it('fails exactly the next n requests with failNext, JSON or not, as InternalServerError', async () => {
    emulator.setFaults({ failNext: { count: 2, kind: 'server-error' } });
    const json = await caught(() => ik.assets.list());
    expect(json).toBeInstanceOf(InternalServerError);
    expect(json.error).toHaveProperty('message');
    await expect(ik.files.upload({ file: await pngFile(1, 1), fileName: 'x.png' })).rejects.toBeInstanceOf(InternalServerError);
    await expect(ik.assets.list()).resolves.toEqual(expect.any(Array));

    emulator.setFaults({ failNext: { count: 1, kind: 'non-json-error' } });
    const html = await caught(() => ik.assets.list());
    expect(html).toBeInstanceOf(InternalServerError);
    expect([502, 503]).toContain(html.status);
  });

  it('draws the same fault sequence for the same seed', async () => {
    const run = async () => {
      emulator.setFaults({ serverErrorRatio: 0.5, seed: 42 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i += 1)
        outcomes.push(
          await ik.assets.list().then(
            () => 'ok',
            (error: any) => String(error.status),
          ),
        );
      return outcomes;
    };
    const first = await run();
    expect(first).toContain('ok');
    expect(first.some((outcome) => outcome !== 'ok')).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('drops connections while down, and recovers when faults are cleared', async () => {
    emulator.setFaults({ down: true });
    const error = await caught(() => ik.assets.list());
    expect(error).toBeInstanceOf(APIConnectionError);
    emulator.setFaults({});
    await expect(ik.assets.list()).resolves.toEqual(expect.any(Array));
  });

  it('drops a share of connections, some after the work is done: the file exists though the upload call failed', async () => {
    emulator.setFaults({ dropRatio: 1, seed: 7 });
    const before = emulator.files().length;
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, async (_, index) =>
        ik.files.upload({ file: await pngFile(1, 1), fileName: `dropped-${index}.png` }).then(
          () => 'ok',
          (error: unknown) => (error instanceof APIConnectionError ? 'connection' : 'other'),
        ),
      ),
    );
    emulator.setFaults({});
    expect(outcomes.every((outcome) => outcome === 'connection')).toBe(true);
    // Half the drops happen after the upload was handled: ImageKit stored the file, the answer was lost.
    const stored = emulator.files().length - before;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(8);
  });

  it('slows a share of answers by slowMs', async () => {
    emulator.setFaults({ slowRatio: 1, slowMs: 300 });
    const started = Date.now();
    await ik.assets.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    emulator.setFaults({ slowRatio: 0, slowMs: 300 });
    const fast = Date.now();
    await ik.assets.list();
    expect(Date.now() - fast).toBeLessThan(290);
  });

  it('delays responses by latencyMs, enough to trip a client timeout', async () => {
    emulator.setFaults({ latencyMs: 300 });
    const started = Date.now();
    await ik.assets.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Under jest the SDK cannot recognise the cross-realm AbortError, so it reports the timeout as its
    // parent class APIConnectionError (plain node gives APIConnectionTimeoutError); the elapsed time shows it was the timeout.
    const timedOutAt = Date.now();
    const timeout = await caught(() => sdkFor(emulator, { timeout: 100 }).assets.list());
    expect(timeout).toBeInstanceOf(APIConnectionError);
    expect(Date.now() - timedOutAt).toBeLessThan(290);
  });
});
