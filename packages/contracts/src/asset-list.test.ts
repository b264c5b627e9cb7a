import { AssetListQuery } from './asset-list';

describe('the GET /v1/assets query', () => {
  it('takes every filter, normalising folders as uploads do', () => {
    expect(
      AssetListQuery.parse({
        status: 'ready',
        folder: '/products/shoes/',
        folderPrefix: 'products',
        tag: 'summer sale',
        policy: 'thumb',
        destination: 's3',
        createdAfter: '2026-01-01T00:00:00Z',
        createdBefore: '2026-02-01T00:00:00.000+01:00',
        limit: '10',
      }),
    ).toEqual({
      status: 'ready',
      folder: 'products/shoes',
      folderPrefix: 'products',
      tag: 'summer sale',
      policy: 'thumb',
      destination: 's3',
      createdAfter: '2026-01-01T00:00:00Z',
      createdBefore: '2026-02-01T00:00:00.000+01:00',
      limit: 10,
    });
    expect(AssetListQuery.parse({})).toEqual({ limit: 50 });
  });

  it.each([
    ['folder', '../etc'],
    ['folder', 'a//b'],
    ['folderPrefix', 'a/.hidden'],
    ['folderPrefix', '/'],
    ['tag', '<script>'],
    ['tag', 'x'.repeat(65)],
    ['policy', 'Has Spaces'],
    ['destination', 'ftp'],
    ['createdAfter', '2026-01-01'],
    ['createdBefore', 'yesterday'],
    ['cursor', 'not a cursor!'],
  ])('refuses %s=%s', (field, value) => {
    expect(AssetListQuery.safeParse({ [field]: value }).success).toBe(false);
  });
});
