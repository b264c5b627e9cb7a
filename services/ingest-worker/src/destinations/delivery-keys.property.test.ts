import { FolderPath, newAssetId, type Asset, type AssetOutput } from '@ingestkit/contracts';
import { deliveryKey, imagekitPath } from './delivery-keys';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FOLDERS = [undefined, 'a', 'shop/shoes', 'victims', 'x/y/z', 'ast_', 'assets', 'v1.2'];
const NAMES = ['photo.jpg', 'photo', 'a.b.png', 'Ünïcode name.webp', '-.jpg', 'image', 'x_y.jpeg', 'photo-640w.jpg'];
const FORMATS: AssetOutput['format'][] = ['jpeg', 'png', 'webp', 'avif'];
const SUFFIXES = ['', '', '-320w', '-640w'];

function asset(fields: Partial<Asset>): Asset {
  return {
    id: newAssetId(),
    status: 'ready',
    destination: 'local',
    policy: 'default',
    fileName: 'photo.jpg',
    tags: [],
    metadata: {},
    timings: {},
    createdAt: '',
    updatedAt: '',
    ...fields,
  };
}

/** A folder as a hostile client may name it: a plain one, or one built from the victim's folder and id. */
function hostileFolder(pick: <T>(items: readonly T[]) => T, victim: Asset): string | undefined {
  const base = victim.folder ? `${victim.folder}/` : '';
  return pick([
    pick(FOLDERS),
    `${base}${victim.id}`,
    victim.id,
    `${base}${victim.id}/more`,
    `${pick(FOLDERS) ?? 'f'}/${victim.id}`,
  ]);
}

/** What the attacker's overwrite would write (store key, ImageKit path), or undefined when intake or the builder refuses it. */
function attackerTargets(folder: string | undefined, fileName: string, format: AssetOutput['format'], suffix: string) {
  const parsed = folder === undefined ? undefined : FolderPath.safeParse(folder);
  if (parsed && !parsed.success) return undefined; // refused at intake: no asset, no key
  const attacker = asset({ overwrite: true, ...(parsed?.data ? { folder: parsed.data } : {}), fileName });
  try {
    const path = imagekitPath(attacker, { format });
    return { key: deliveryKey(attacker, { format }, suffix), path: `${path.folder}/${path.fileName}`.replace(/\/+/g, '/') };
  } catch {
    return undefined; // refused when the key is built
  }
}

describe('delivery keys (2000 seeded random pairs of an asset and a hostile overwrite)', () => {
  const seeds = Array.from({ length: 2000 }, (_, index) => index + 1);

  it.each([[seeds]])('an overwrite key never equals an asset-id key, on a store or on ImageKit', (all) => {
    const collisions: string[] = [];
    let refused = 0;
    for (const seed of all) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
      const victim = asset({ folder: pick(FOLDERS), fileName: pick(NAMES) });
      const format = pick(FORMATS);
      const suffix = pick(SUFFIXES);
      const victimPath = imagekitPath(victim, { format });
      const victimTargets = {
        key: deliveryKey(victim, { format }, suffix),
        path: `${victimPath.folder}/${victimPath.fileName}`.replace(/\/+/g, '/'),
      };
      const attacker = attackerTargets(
        hostileFolder(pick, victim),
        pick([victim.fileName, pick(NAMES)]),
        pick([format, pick(FORMATS)]),
        pick([suffix, pick(SUFFIXES)]),
      );
      if (!attacker) refused += 1;
      else if (attacker.key === victimTargets.key || attacker.path === victimTargets.path)
        collisions.push(`seed ${seed}: ${attacker.key} / ${attacker.path}`);
    }
    expect(collisions).toEqual([]);
    // The generator does aim at victims: a good share of its folders are the refused, id-shaped ones.
    expect(refused).toBeGreaterThan(all.length / 4);
  });

  it('refuses an overwrite folder with an asset-id-shaped segment when the key is built, too', () => {
    const recordedBefore = asset({ overwrite: true, folder: `victims/${newAssetId()}` });
    expect(() => deliveryKey(recordedBefore, { format: 'jpeg' })).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => imagekitPath(recordedBefore, { format: 'jpeg' })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
