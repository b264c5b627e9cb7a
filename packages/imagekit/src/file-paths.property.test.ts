import { assetIdFromImageKitPath, imagekitFilePath, joinImageKitPath, type ImageKitFileRef } from './file-paths';

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

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
/** Characters a hostile or careless file name may hold: path and extension separators, `_`, the id's own prefix, Unicode. */
const NAME_PARTS = ['a', 'Z', '9', '-', '_', '.', ' ', '/', 'ast_', 'é', '😀', '_ast_', '..', 'jpg', 'AbCdEfGhIjK'];
const FOLDER_SEGMENTS = ['a', 'shop', 'x_y', 'v1.2', 'ast_', 'a-b', '_'];
const EXTENSIONS = ['jpg', 'png', 'webp', 'avif', 'gif', 'tiff'];

function fileRef(next: () => number, overwrite: boolean): ImageKitFileRef {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const many = (max: number, part: () => string, separator = '') =>
    Array.from({ length: Math.floor(next() * (max + 1)) }, part).join(separator);
  const folder = many(3, () => pick(FOLDER_SEGMENTS), '/');
  return {
    assetId: `ast_${Array.from({ length: 22 }, () => pick([...ID_CHARS])).join('')}`,
    fileName: many(12, () => pick(NAME_PARTS)),
    ...(folder ? { folder } : {}),
    overwrite,
    extension: pick(EXTENSIONS),
  };
}

describe('ImageKit file paths', () => {
  it('round-trip: the asset id read back from any asset path built is the asset id it was built for', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const ref = fileRef(random(seed), false);
      const path = joinImageKitPath(imagekitFilePath(ref));
      expect({ seed, path, assetId: assetIdFromImageKitPath(path) }).toEqual({ seed, path, assetId: ref.assetId });
    }
  });

  it('reads no asset id from an overwrite path, whatever its name and folder', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const ref = fileRef(random(seed), true);
      const path = joinImageKitPath(imagekitFilePath(ref));
      expect({ seed, path, assetId: assetIdFromImageKitPath(path) }).toEqual({ seed, path, assetId: undefined });
    }
  });

  it('names files as the worker always has', () => {
    const assetId = 'ast_AAAAAAAAAAAAAAAAAAAAAA';
    expect(imagekitFilePath({ assetId, fileName: 'My Photo (1).JPG', folder: 'shop/shoes', extension: 'jpg' })).toEqual({
      folder: '/shop/shoes',
      fileName: 'My-Photo-1_ast_AAAAAAAAAAAAAAAAAAAAAA.jpg',
    });
    expect(imagekitFilePath({ assetId, fileName: 'hero.png', folder: 'x', overwrite: true, extension: 'webp' })).toEqual({
      folder: '/x',
      fileName: 'hero.webp',
    });
    expect(joinImageKitPath(imagekitFilePath({ assetId, fileName: '___', extension: 'png' }))).toBe(
      '/image_ast_AAAAAAAAAAAAAAAAAAAAAA.png',
    );
  });

  it('reads ids only at the end of a file name', () => {
    expect(assetIdFromImageKitPath('/products/photo_ast_AbCdEfGhIjKlMnOpQrStU_.jpg')).toBe('ast_AbCdEfGhIjKlMnOpQrStU_');
    expect(assetIdFromImageKitPath('/products/photo_ast_short.jpg')).toBeUndefined();
    expect(assetIdFromImageKitPath('/ast_AbCdEfGhIjKlMnOpQrStU_/photo.jpg')).toBeUndefined();
  });
});
