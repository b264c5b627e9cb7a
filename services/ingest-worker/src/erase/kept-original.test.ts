import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOriginals } from '@ingestkit/storage';
import type { KeptOriginals } from '../originals/kept-originals';
import type { RetentionIndex } from '../originals/retention-index';
import { removeKeptOriginal } from './kept-original';

let dir: string;
let kept: KeptOriginals;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingestkit-originals-'));
  // The index is not used by removal (the sweeper drops stale entries).
  kept = { originals: createOriginals({ driver: 'local', root: dir }), retentionDays: 0, index: {} as RetentionIndex };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it("removes the asset's kept original by its id (recorded or not), leaves others, and is a no-op when repeated or when nothing is kept", async () => {
  const key = kept.originals.keyOf('ast_x');
  const other = kept.originals.keyOf('ast_y');
  await kept.originals.store.put({ key, body: Buffer.from('bytes') });
  await kept.originals.store.put({ key: other, body: Buffer.from('other') });
  await removeKeptOriginal(undefined, 'ast_x');
  expect(await kept.originals.store.head(key)).not.toBeNull();
  await removeKeptOriginal(kept, 'ast_x');
  expect(await kept.originals.store.head(key)).toBeNull();
  await removeKeptOriginal(kept, 'ast_x');
  expect(await kept.originals.store.head(other)).not.toBeNull();
});
