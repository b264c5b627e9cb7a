import { folderDepth, normalizeFolder, sanitizeFileName, withUniqueSuffix } from './file-name';

describe('sanitizeFileName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['my photo.jpg', 'my_photo.jpg'],
    ['a-b_c.D9.png', 'a-b_c.D9.png'],
    ['ünïcode€.png', '_n_code_.png'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['a%20b?.jpg', 'a_20b_.jpg'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });
});

describe('normalizeFolder', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['products', '/products/'],
    ['//a///b/', '/a/b/'],
    ['a b/c.d', '/a_b/c_d/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFolder(input)).toBe(expected);
  });

  it('counts levels', () => {
    expect(folderDepth('/')).toBe(0);
    expect(folderDepth('/a/b/')).toBe(2);
  });
});

describe('withUniqueSuffix', () => {
  it('inserts _<suffix> before the extension', () => {
    expect(withUniqueSuffix('image.jpg', 'iEyH1dQme')).toBe('image_iEyH1dQme.jpg');
    expect(withUniqueSuffix('archive.tar.gz', 'x')).toBe('archive.tar_x.gz');
    expect(withUniqueSuffix('README', 'x')).toBe('README_x');
    expect(withUniqueSuffix('.env', 'x')).toBe('.env_x');
  });

  it('draws 9 alphanumeric characters by default', () => {
    const names = new Set(Array.from({ length: 50 }, () => withUniqueSuffix('a.png')));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^a_[A-Za-z0-9]{9}\.png$/);
  });
});
