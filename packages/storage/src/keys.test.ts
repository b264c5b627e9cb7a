import { MAX_KEY_LENGTH, validateKey, validatePrefix } from './keys';

const rejected = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('validateKey', () => {
  it.each([
    'a',
    'staging/01HZX/original',
    'assets/2024/photo_1-large.v2.webp',
    'A-Z_0.9',
    'a..b/c.', // dots inside or at the end of a segment are fine
    `${'a'.repeat(255)}/b`,
  ])('accepts %s', (key) => {
    expect(validateKey(key)).toBe(key);
  });

  it('accepts a key of exactly the maximum length', () => {
    const key = Array.from({ length: 4 }, () => 'k'.repeat(200)).join('/') + '/' + 'k'.repeat(MAX_KEY_LENGTH - 4 * 201);
    expect(key).toHaveLength(MAX_KEY_LENGTH);
    expect(validateKey(key)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['leading slash (absolute path)', '/etc/passwd'],
    ['trailing slash', 'a/'],
    ['doubled slash', 'a//b'],
    ['parent segment', '../secret'],
    ['parent segment in the middle', 'a/../../b'],
    ['current segment', 'a/./b'],
    ['lone dot', '.'],
    ['hidden segment (the temp dir)', '.tmp/x'],
    ['hidden segment deeper', 'a/.git/config'],
    ['backslash', 'a\\..\\b'],
    ['space', 'a b'],
    ['non-ASCII', 'café.jpg'],
    ['NUL byte', 'a\u0000b'],
    ['colon', 'c:x'],
    ['percent-encoding', '%2e%2e/x'],
    ['too long', 'k'.repeat(MAX_KEY_LENGTH + 1)],
    ['segment too long', 'k'.repeat(256)],
  ])('rejects %s', (_why, key) => {
    expect(rejected(() => validateKey(key))).toMatchObject({ name: 'IngestError', code: 'bad_request' });
  });

  it('rejects values that are not strings (untyped callers)', () => {
    expect(rejected(() => validateKey(42 as unknown as string))).toMatchObject({ code: 'bad_request' });
  });

  it('keeps the offending key in details, shortened when huge', () => {
    const err = rejected(() => validateKey('x'.repeat(5000))) as { details: { key: string } };
    expect(err.details.key.length).toBeLessThan(200);
  });
});

describe('validatePrefix', () => {
  it.each(['', 'a', 'a/', 'staging/01HZX/', 'staging/01H'])('accepts %j', (prefix) => {
    expect(validatePrefix(prefix)).toBe(prefix);
  });

  it.each(['/', '//', '/a', 'a//', '../', 'a/../', '.tmp/', 'a b/'])('rejects %j', (prefix) => {
    expect(rejected(() => validatePrefix(prefix))).toMatchObject({ name: 'IngestError', code: 'bad_request' });
  });
});
