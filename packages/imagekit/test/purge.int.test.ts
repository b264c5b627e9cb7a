// Proves purge over real HTTP against the emulator: a purge request returns a requestId whose status goes Pending → Completed; bad URLs are permanent errors.
import { type Emulator } from '@ingestkit/imagekit-emulator';
import { type ImageKitClient } from '../src';
import { adapterFor, caught, pngBytes, startTestEmulator } from './fixtures';

let emulator: Emulator;
let imagekit: ImageKitClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  imagekit = adapterFor(emulator);
});
afterAll(() => emulator.close());

describe('purge', () => {
  it('purges a file URL and reports Pending, then Completed', async () => {
    const file = await imagekit.upload({ file: pngBytes(5, 5), fileName: 'purge-me.png', folder: '/purge' });
    const { requestId } = await imagekit.purge(file.url);
    expect(requestId).toEqual(expect.any(String));
    expect(await imagekit.purgeStatus(requestId)).toBe('Pending');

    const deadline = Date.now() + 3_000;
    let status = await imagekit.purgeStatus(requestId);
    while (status !== 'Completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = await imagekit.purgeStatus(requestId);
    }
    expect(status).toBe('Completed');
    expect(emulator.purges()).toEqual([expect.objectContaining({ requestId, url: file.url })]);
  });

  it('rejects a wildcard ImageKit does not allow (one short level) as a permanent bad_request', async () => {
    const error = await caught(() => imagekit.purge(`${emulator.urlEndpoint}/a*`));
    expect(error).toMatchObject({ code: 'bad_request', retryable: false });
    expect(error.message).toContain('not valid for cache purging');
  });

  it('reports an unknown requestId as bad_request, as ImageKit does (400, not 404)', async () => {
    await expect(imagekit.purgeStatus('no-such-request')).rejects.toMatchObject({ code: 'bad_request' });
  });
});
