// Proves the adapter's file operations over real HTTP against the emulator: uploads (buffer, stream), versions on one path, details, listFiles, client-side upload auth.
import { Readable } from 'node:stream';
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

describe('upload', () => {
  it('uploads a Buffer and reports the stored file with its dimensions', async () => {
    const file = await imagekit.upload({ file: pngBytes(40, 30), fileName: 'buffer.png', folder: '/buf', tags: ['a', 'b'] });
    expect(file).toEqual({
      fileId: expect.any(String),
      versionId: expect.any(String),
      name: expect.stringMatching(/^buffer_[A-Za-z0-9]{9}\.png$/),
      filePath: expect.stringMatching(/^\/buf\/buffer_\w+\.png$/),
      url: `${emulator.urlEndpoint}${file.filePath}`,
      size: 33,
      width: 40,
      height: 30,
    });
    const stored = await fetch(file.url);
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(pngBytes(40, 30));
    expect((await imagekit.getFileDetails(file.fileId)).tags).toEqual(['a', 'b']);
  });

  it('uploads a Readable stream', async () => {
    const bytes = pngBytes(7, 9);
    const stream = Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]);
    const file = await imagekit.upload({ file: stream, fileName: 'stream.png', folder: '/stream', useUniqueFileName: false });
    expect(file).toMatchObject({ name: 'stream.png', filePath: '/stream/stream.png', size: 33, width: 7, height: 9 });
  });

  it('adds versions to one fileId when uploading to the same path with useUniqueFileName=false', async () => {
    const options = { fileName: 'hero.png', folder: '/versions', useUniqueFileName: false };
    const first = await imagekit.upload({ ...options, file: pngBytes(10, 10) });
    const second = await imagekit.upload({ ...options, file: pngBytes(20, 20) });
    expect(second.fileId).toBe(first.fileId);
    expect(second.versionId).not.toBe(first.versionId);

    const versions = await imagekit.listFileVersions(first.fileId);
    expect(versions.map((version) => version.versionId).sort()).toEqual([first.versionId, second.versionId].sort());
    expect(versions.find((version) => version.versionId === second.versionId)).toMatchObject({ type: 'file', width: 20 });
    expect(versions.find((version) => version.versionId === first.versionId)).toMatchObject({ type: 'file-version' });

    const details = await imagekit.getFileDetails(first.fileId);
    expect(details).toMatchObject({ fileId: first.fileId, versionId: second.versionId, versionName: 'Version 2', width: 20 });
  });

  it('refuses to overwrite with overwriteFile=false as a permanent bad_request', async () => {
    const options = { fileName: 'keep.png', folder: '/keep', useUniqueFileName: false };
    await imagekit.upload({ ...options, file: pngBytes(1, 1) });
    const error = await caught(() => imagekit.upload({ ...options, overwriteFile: false, file: pngBytes(2, 2) }));
    expect(error).toMatchObject({ name: 'IngestError', code: 'bad_request', retryable: false });
    expect(error.message).toContain('A file with the same name already exists');
  });
});

describe('lookups', () => {
  it('deletes one old version, then the file with every version; deleting again is not_found', async () => {
    const options = { fileName: 'gone.png', folder: '/delete', useUniqueFileName: false };
    const first = await imagekit.upload({ ...options, file: pngBytes(3, 3) });
    const second = await imagekit.upload({ ...options, file: pngBytes(4, 4) });
    expect(await caught(() => imagekit.deleteFileVersion(first.fileId, second.versionId))).toMatchObject({ code: 'bad_request' });
    await imagekit.deleteFileVersion(first.fileId, first.versionId);
    expect((await imagekit.listFileVersions(first.fileId)).map((version) => version.versionId)).toEqual([second.versionId]);
    await imagekit.deleteFile(first.fileId);
    expect(await caught(() => imagekit.getFileDetails(first.fileId))).toMatchObject({ code: 'not_found' });
    expect((await fetch(first.url)).status).toBe(404);
    expect(await caught(() => imagekit.deleteFile(first.fileId))).toMatchObject({ code: 'not_found' });
  });

  it('lists the files in one folder, optionally by exact name (to check before an upload retry)', async () => {
    await imagekit.upload({ file: pngBytes(1, 1), fileName: 'one.png', folder: '/listing', useUniqueFileName: false });
    await imagekit.upload({ file: pngBytes(1, 1), fileName: 'two.png', folder: '/listing', useUniqueFileName: false });
    await imagekit.upload({ file: pngBytes(1, 1), fileName: 'one.png', folder: '/elsewhere', useUniqueFileName: false });

    const all = await imagekit.listFiles({ path: '/listing' });
    expect(all.map((file) => file.filePath).sort()).toEqual(['/listing/one.png', '/listing/two.png']);
    const named = await imagekit.listFiles({ path: '/listing', name: 'one.png' });
    expect(named).toEqual([expect.objectContaining({ filePath: '/listing/one.png', type: 'file' })]);
    expect(await imagekit.listFiles({ path: '/listing', name: 'missing.png' })).toEqual([]);
  });

  it('maps an unknown fileId to not_found', async () => {
    const error = await caught(() => imagekit.getFileDetails('0123456789abcdef01234567'));
    expect(error).toMatchObject({ code: 'not_found', retryable: false, details: { status: 404 } });
  });
});

describe('clientUploadAuth', () => {
  async function browserUpload(auth: Record<string, string | number>, name = 'browser.png') {
    const form = new FormData();
    form.append('file', new Blob([pngBytes(3, 3)], { type: 'image/png' }), name);
    form.append('fileName', name);
    for (const [key, value] of Object.entries(auth)) form.append(key, String(value));
    return fetch(`${emulator.url}/api/v1/files/upload`, { method: 'POST', body: form });
  }

  it('produces parameters the upload API accepts from a browser (multipart, no Basic auth), once', async () => {
    const auth = { ...imagekit.clientUploadAuth() };
    const accepted = await browserUpload(auth);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ name: expect.stringMatching(/^browser_\w+\.png$/), width: 3 });

    const replay = await browserUpload(auth);
    expect(replay.status).toBe(400);
    expect((await browserUpload({ ...imagekit.clientUploadAuth() })).status).toBe(200);
  });

  it('produces parameters the upload API rejects when tampered with', async () => {
    const auth = imagekit.clientUploadAuth({ expireInSeconds: 120 });
    expect((await browserUpload({ ...auth, expire: auth.expire + 1 })).status).toBe(400);
  });
});
