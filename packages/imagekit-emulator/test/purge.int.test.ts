// Proves purge requests through the SDK: 201 + requestId, Pending then Completed, ImageKit's wildcard rules, and the CDN cache they clear.
import type ImageKit from '@imagekit/nodejs';
import { BadRequestError } from '@imagekit/nodejs';
import { type Emulator } from '../src';
import { MESSAGES } from '../src';
import { caught, pngBytes, pngFile, sdkFor, startTestEmulator } from './helpers';

let emulator: Emulator;
let ik: ImageKit;

beforeAll(async () => {
  emulator = await startTestEmulator({ purgeCompletesAfterMs: 150, cdnCache: true });
  ik = sdkFor(emulator);
});
afterAll(() => emulator.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('purge', () => {
  it('answers 201 with a requestId whose status goes from Pending to Completed', async () => {
    const response = await ik.cache.invalidation.create({ url: `${emulator.urlEndpoint}/a/b/c.png` }).asResponse();
    expect(response.status).toBe(201);
    const { requestId } = (await response.json()) as { requestId: string };
    expect(await ik.cache.invalidation.get(requestId)).toEqual({ status: 'Pending' });
    await sleep(200);
    expect(await ik.cache.invalidation.get(requestId)).toEqual({ status: 'Completed' });
    expect(emulator.purges().map((purge) => purge.url)).toContain(`${emulator.urlEndpoint}/a/b/c.png`);
  });

  it.each([
    ['/images/upload*', true],
    ['/a-long-folder-name*', true],
    ['/sample.jpg*', true],
    ['/images*', false],
    ['/folder/*/x.jpg', false],
    ['/media/catalog/*', false],
  ])('wildcard %s accepted: %s', async (path, accepted) => {
    const request = ik.cache.invalidation.create({ url: `${emulator.urlEndpoint}${path}` });
    if (accepted) {
      await expect(request).resolves.toHaveProperty('requestId');
    } else {
      const error = await caught(() => request);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.error.message).toBe(MESSAGES.invalidPurgeUrl);
    }
  });

  it('rejects a missing URL and an unknown requestId', async () => {
    const missing = await caught(() => ik.cache.invalidation.create({ url: '' }));
    expect(missing.error.message).toBe(MESSAGES.missingPurgeUrl);
    const unknown = await caught(() => ik.cache.invalidation.get('nope'));
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect(unknown.error.message).toBe(MESSAGES.purgeNotFound);
  });

  it('keeps serving cached bytes after an overwrite until a purge completes (cdnCache)', async () => {
    const first = await ik.files.upload({ file: await pngFile(1, 1), fileName: 'cached.png', useUniqueFileName: false });
    const read = async () => {
      const response = await fetch(first.url!);
      return { cache: response.headers.get('x-cache'), bytes: Buffer.from(await response.arrayBuffer()) };
    };
    expect(await read()).toEqual({ cache: 'MISS', bytes: pngBytes(1, 1) });
    await ik.files.upload({ file: await pngFile(2, 2), fileName: 'cached.png', useUniqueFileName: false });
    expect(await read()).toEqual({ cache: 'HIT', bytes: pngBytes(1, 1) });

    await ik.cache.invalidation.create({ url: `${first.url!}*` });
    expect((await read()).bytes).toEqual(pngBytes(1, 1));
    await sleep(200);
    expect(await read()).toEqual({ cache: 'MISS', bytes: pngBytes(2, 2) });
  });
});
