import { sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['a\u0000b\u001f\nc.jpg', 'a_b_c.jpg'],
    ['.hidden.png', 'hidden.png'],
    ['Holiday Photo.jpg', 'Holiday_Photo.jpg'],
    ['../', 'image'],
    ['', 'image'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('cuts a 300-character name to 200, keeping the extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(296)}.jpeg`);
    expect(name).toHaveLength(200);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});
