// Proves the emulator's update of file details as the real SDK sends it: tags replaced, custom metadata merged field by field, a null value unsetting its field.
import { type Emulator } from '../src';
import { pngFile, sdkFor, startTestEmulator } from './helpers';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
});

it('replaces tags and merges custom metadata, unsetting fields sent as null', async () => {
  const ik = sdkFor(emulator);
  const uploaded = await ik.files.upload({
    file: await pngFile(4, 4),
    fileName: 'a.png',
    tags: ['one', 'two'],
    customMetadata: { camera: 'x', lens: 'y' },
  });
  const updated = await ik.files.update(uploaded.fileId!, { tags: ['three'], customMetadata: { camera: null, iso: 100 } });
  expect(updated).toMatchObject({ tags: ['three'], customMetadata: { lens: 'y', iso: 100 } });
  expect(updated.customMetadata).not.toHaveProperty('camera');
  expect(await ik.files.get(uploaded.fileId!)).toMatchObject({ tags: ['three'], customMetadata: { lens: 'y', iso: 100 } });
});
