import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, type ObjectStore } from '@ingestkit/storage';
import { makeAsset } from '@ingestkit/testkit';
import { removeKeptOriginal } from './kept-original';

let dir: string;
let originals: ObjectStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingestkit-originals-'));
  originals = createLocalStore({ root: dir });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('removes the kept original named on the asset, and is a no-op when repeated or when nothing is kept', async () => {
  const key = 'originals/ast_x/original';
  await originals.put({ key, body: Buffer.from('bytes') });
  await originals.put({ key: 'originals/other', body: Buffer.from('other') });
  const asset = makeAsset({ original: { key: 'staging/x/original', bytes: 5 } });
  const kept = { ...asset, original: { ...asset.original!, retained: { key, storedAt: new Date().toISOString() } } };
  await removeKeptOriginal(undefined, kept);
  expect(await originals.head(key)).not.toBeNull();
  await removeKeptOriginal(originals, asset);
  expect(await originals.head(key)).not.toBeNull();
  await removeKeptOriginal(originals, kept);
  expect(await originals.head(key)).toBeNull();
  await removeKeptOriginal(originals, kept);
  expect(await originals.head('originals/other')).not.toBeNull();
});
