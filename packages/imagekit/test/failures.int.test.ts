// Proves ImageKit failures reach callers as IngestErrors over real HTTP: 429 → rate_limited with retryAfterMs, 5xx → destination_error, down → retryable, wrong key → unauthorized; and that the SDK never retries.
import { type Emulator } from '@ingestkit/imagekit-emulator';
import { type ImageKitClient } from '../src';
import { adapterFor, caught, pngBytes, startTestEmulator } from './fixtures';

let emulator: Emulator;
let imagekit: ImageKitClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  imagekit = adapterFor(emulator);
});
afterEach(() => emulator.setFaults({}));
afterAll(() => emulator.close());

describe('failures', () => {
  it('maps a 429 to rate_limited with retryAfterMs from X-RateLimit-Reset', async () => {
    emulator.setFaults({ failNext: { count: 1, kind: 'rate-limit' } });
    const error = await caught(() => imagekit.listFiles({ path: '/' }));
    expect(error).toMatchObject({ name: 'IngestError', code: 'rate_limited', retryable: true });
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 1000 });
  });

  it('prefers the longer Retry-After when the 429 carries one', async () => {
    emulator.setFaults({ failNext: { count: 1, kind: 'rate-limit' }, retryAfterSeconds: 2 });
    const error = await caught(() => imagekit.purgeStatus('anything'));
    expect(error.details).toMatchObject({ retryAfterMs: 2000 });
  });

  it('maps 500 JSON and 502/503 HTML responses to destination_error, without retrying', async () => {
    emulator.setFaults({ failNext: { count: 1, kind: 'server-error' } });
    const upload = await caught(() => imagekit.upload({ file: pngBytes(1, 1), fileName: 'once.png', folder: '/once' }));
    expect(upload).toMatchObject({ code: 'destination_error', retryable: true, details: { status: 500 } });
    expect(upload.message).toContain('Internal server error');
    // maxRetries: 0 — the failed upload was the only attempt, so nothing was stored behind the caller's back.
    expect(emulator.files().filter((file) => file.folder === '/once/')).toHaveLength(0);

    emulator.setFaults({ failNext: { count: 1, kind: 'non-json-error' } });
    const html = await caught(() => imagekit.getFileDetails('whatever'));
    expect(html).toMatchObject({ code: 'destination_error', retryable: true });
    expect([502, 503]).toContain(html.details.status);
  });

  it('maps an unreachable emulator to a retryable error', async () => {
    emulator.setFaults({ down: true });
    const error = await caught(() => imagekit.upload({ file: pngBytes(1, 1), fileName: 'down.png' }));
    expect(error).toMatchObject({ name: 'IngestError', code: 'destination_error', retryable: true });
  });

  it('maps a slow response past timeoutMs to timeout', async () => {
    emulator.setFaults({ latencyMs: 400 });
    const slow = adapterFor(emulator, { timeoutMs: 100 });
    await expect(slow.listFiles()).rejects.toMatchObject({ code: 'timeout', retryable: true });
  });

  it('maps a wrong private key to unauthorized or forbidden, never retryable', async () => {
    const wrong = adapterFor(emulator, { privateKey: 'private_wrong' });
    const error = await caught(() => wrong.listFiles());
    expect(['unauthorized', 'forbidden']).toContain(error.code);
    expect(error.retryable).toBe(false);
  });
});

describe('closed port', () => {
  it('maps a refused connection to a retryable destination_error', async () => {
    const closed = await startTestEmulator();
    const url = closed.url;
    await closed.close();
    const orphan = adapterFor(closed, { baseURL: url });
    await expect(orphan.purge(`${closed.urlEndpoint}/x.png`)).rejects.toMatchObject({
      code: 'destination_error',
      retryable: true,
    });
  });
});
