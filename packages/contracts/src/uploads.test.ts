import { UploadFields } from './uploads';

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
