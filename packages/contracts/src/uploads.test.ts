import { UploadFields, policyOverridesOf } from './uploads';

describe('UploadFields', () => {
  it('parses form strings into typed options', () => {
    expect(
      UploadFields.parse({
        folder: '/products/shoes/',
        tags: ' a, b ,,c ',
        metadata: '{"sku":"1"}',
        destination: 's3',
        policy: 'thumb',
      }),
    ).toEqual({ folder: 'products/shoes', tags: ['a', 'b', 'c'], metadata: { sku: '1' }, destination: 's3', policy: 'thumb' });
  });

  it.each([
    ['folder', '../etc'],
    ['folder', 'a/.hidden'],
    ['folder', 'a//b'],
    ['metadata', '{not json'],
    ['metadata', '[1,2]'],
    ['destination', 'ftp'],
    ['policy', 'Has Spaces'],
    ['tags', 'ok,<script>'],
  ])('refuses %s=%j naming the field', (field, value) => {
    const result = UploadFields.safeParse({ [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });
});

describe('policy overrides from upload fields', () => {
  it('parses format, quality and box fields into overrides', () => {
    const fields = UploadFields.parse({ format: 'png', quality: '60', maxWidth: '800', maxHeight: '600' });
    expect(policyOverridesOf(fields)).toEqual({ format: 'png', quality: 60, maxWidth: 800, maxHeight: 600 });
    expect(policyOverridesOf(UploadFields.parse({ quality: 'auto' }))).toEqual({ quality: 'auto' });
    expect(policyOverridesOf(UploadFields.parse({}))).toBeUndefined();
  });

  it.each([
    ['quality', '0'],
    ['quality', '101'],
    ['quality', 'high'],
    ['format', 'bmp'],
    ['maxWidth', '8'],
    ['maxWidth', '99999'],
  ])('refuses %s=%s', (field, value) => {
    expect(UploadFields.safeParse({ [field]: value }).success).toBe(false);
  });
});
