// Proves that the real @imagekit/nodejs v7 SDK can upload, read, version, list and fetch files from the emulator.
import type ImageKit from '@imagekit/nodejs';
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from '@imagekit/nodejs';
import { type Emulator } from '../src';
import { HELP_TEXT } from '../src/api-error';
import { caught, pngBytes, pngFile, sdkFor, startTestEmulator } from './helpers';

let emulator: Emulator;
let ik: ImageKit;

beforeAll(async () => {
  emulator = await startTestEmulator();
  ik = sdkFor(emulator);
});
afterAll(() => emulator.close());

describe('upload', () => {
  it('stores a binary upload under a sanitised, uniquely suffixed name and answers like ImageKit', async () => {
    const result = await ik.files.upload({
      file: await pngFile(16, 8),
      fileName: 'my photo!.png',
      folder: 'products/shoes',
      tags: ['red', 'sale'],
      customMetadata: { brand: 'x' },
      responseFields: ['tags', 'customMetadata', 'isPrivateFile'],
    });

    expect(result.name).toMatch(/^my_photo__[A-Za-z0-9]{9}\.png$/);
    expect(result.filePath).toBe(`/products/shoes/${result.name}`);
    expect(result.url).toBe(`${emulator.urlEndpoint}${result.filePath}`);
    expect(result).toMatchObject({ fileType: 'image', width: 16, height: 8, size: 33, AITags: null });
    expect(result.versionInfo).toEqual({ id: result.fileId, name: 'Version 1' });
    expect(result.tags).toEqual(['red', 'sale']);
    expect(result.customMetadata).toEqual({ brand: 'x' });
    expect(result.isPrivateFile).toBe(false);
    expect(result).not.toHaveProperty('isPublished');
    expect(emulator.files().map((file) => file.fileId)).toContain(result.fileId);
  });

  it('serves the stored bytes at urlEndpoint + filePath with the right Content-Type, ignoring ?updatedAt', async () => {
    const result = await ik.files.upload({ file: await pngFile(3, 4), fileName: 'served.png' });
    const details = await ik.files.get(result.fileId!);
    expect(details.url).toMatch(/\?updatedAt=\d+$/);

    for (const url of [result.url!, details.url!]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(pngBytes(3, 4));
    }
    expect((await fetch(`${emulator.urlEndpoint}/missing.png`)).status).toBe(404);
  });

  it('creates a new version with the same fileId when the same path is uploaded with useUniqueFileName=false', async () => {
    const first = await ik.files.upload({
      file: await pngFile(10, 10),
      fileName: 'hero.png',
      folder: 'v',
      useUniqueFileName: false,
    });
    const second = await ik.files.upload({
      file: await pngFile(20, 20),
      fileName: 'hero.png',
      folder: 'v',
      useUniqueFileName: false,
    });

    expect(second.fileId).toBe(first.fileId);
    expect(second.versionInfo?.id).not.toBe(first.versionInfo?.id);
    expect(second.versionInfo?.name).toBe('Version 2');
    const versions = await ik.files.versions.list(first.fileId!);
    expect(versions.map((version) => [version.versionInfo?.name, version.type])).toEqual([
      ['Version 1', 'file-version'],
      ['Version 2', 'file'],
    ]);
    expect(versions[0]!.url).toMatch(/\?ik-obj-version=[^&]+&updatedAt=\d+$/);
    const served = await fetch(`${emulator.urlEndpoint}/v/hero.png`);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(pngBytes(20, 20));
    const old = await fetch(versions[0]!.url!);
    expect(Buffer.from(await old.arrayBuffer())).toEqual(pngBytes(10, 10));

    const v1 = await ik.files.versions.get(first.versionInfo!.id!, { fileId: first.fileId! });
    expect(v1).toMatchObject({ type: 'file-version', width: 10 });
    const restored = await ik.files.versions.restore(first.versionInfo!.id!, { fileId: first.fileId! });
    expect(restored).toMatchObject({ type: 'file', width: 10 });
    expect((await ik.files.get(first.fileId!)).versionInfo?.id).toBe(first.versionInfo!.id);

    const current = await caught(() => ik.files.versions.delete(first.versionInfo!.id!, { fileId: first.fileId! }));
    expect(current).toBeInstanceOf(BadRequestError);
    expect(current.error.message).toBe('You cannot delete current version of a file.');
    await ik.files.versions.delete(second.versionInfo!.id!, { fileId: first.fileId! });
    expect(await ik.files.versions.list(first.fileId!)).toHaveLength(1);
  });

  it('refuses to overwrite when overwriteFile and useUniqueFileName are both false', async () => {
    await ik.files.upload({ file: await pngFile(1, 1), fileName: 'keep.png', useUniqueFileName: false });
    const error = await caught(async () =>
      ik.files.upload({ file: await pngFile(1, 1), fileName: 'keep.png', useUniqueFileName: false, overwriteFile: false }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toEqual({
      message:
        'A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.',
      help: HELP_TEXT,
    });
  });

  it('accepts a base64 file field and lists files of one folder only', async () => {
    await ik.files.upload({ file: pngBytes(5, 6).toString('base64'), fileName: 'b64.png', folder: 'listing' });
    await ik.files.upload({ file: await pngFile(1, 1), fileName: 'nested.png', folder: 'listing/deeper' });
    const listed = await ik.assets.list({ path: '/listing/' });
    expect(listed.map((asset) => ('filePath' in asset ? asset.filePath : undefined))).toEqual([
      expect.stringMatching(/^\/listing\/b64_[A-Za-z0-9]{9}\.png$/),
    ]);
    expect(listed[0]).toMatchObject({ width: 5, height: 6, mime: 'image/png' });
  });

  it('answers 400 for a missing file, 401 without a key, 403 for a wrong key, 404 for an unknown id', async () => {
    const missing = await caught(() => ik.files.upload({ file: '', fileName: 'x.png' }));
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing.error).toEqual({ message: 'Your request is missing file parameter.', help: HELP_TEXT });

    const anonymous = await caught(() => ik.files.get('abc', { headers: { Authorization: null } }));
    expect(anonymous).toBeInstanceOf(AuthenticationError);
    expect(anonymous.error.message).toBe('Your request does not contain private API key.');

    const wrong = await caught(() => sdkFor(emulator, { privateKey: 'private_wrong' }).files.get('abc'));
    expect(wrong).toBeInstanceOf(PermissionDeniedError);
    expect(wrong.error.message).toBe('Your account cannot be authenticated.');

    const unknown = await caught(() => ik.files.get('000000000000000000000000'));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.error.message).toBe('The requested file does not exist.');
  });
});
