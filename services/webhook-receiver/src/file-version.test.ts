import { ImageKitFileDetails, isAssetId } from '@ingestkit/contracts';
import { unversionedUrl } from '@ingestkit/purge';
import { externalAsset, externalAssetId, versionFromDetails } from './file-version';

const details = ImageKitFileDetails.parse({
  fileId: 'f1',
  name: 'hero.jpg',
  filePath: '/shop/hero.jpg',
  url: 'https://ik.imagekit.io/demo/shop/hero.jpg?updatedAt=1',
  versionInfo: { id: 'v2', name: 'Version 2' },
  mime: 'image/jpeg',
  size: 100,
  width: 40,
  height: 30,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
});

describe('file versions from ImageKit details', () => {
  it('versions the path URL with the ms of updatedAt', () => {
    expect(versionFromDetails(details, undefined)).toEqual({
      versionId: 'v2',
      name: 'Version 2',
      url: `https://ik.imagekit.io/demo/shop/hero.jpg?updatedAt=${Date.parse('2026-01-02T00:00:00.000Z')}`,
      createdAt: '2026-01-02T00:00:00.000Z',
    });
    const { updatedAt: _u, createdAt: _c, ...bare } = details;
    expect(versionFromDetails(bare, '2026-03-01T00:00:00Z').createdAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('strips query and fragment for the URL CDNs cache', () => {
    expect(unversionedUrl('https://ik.imagekit.io/demo/a.png?ik-obj-version=x&updatedAt=2#f')).toBe(
      'https://ik.imagekit.io/demo/a.png',
    );
  });

  it('gives a file ingestkit did not upload one stable asset id and a ready imagekit record', () => {
    expect(externalAssetId('f1')).toBe(externalAssetId('f1'));
    expect(externalAssetId('f1')).not.toBe(externalAssetId('f2'));
    expect(isAssetId(externalAssetId('f1'))).toBe(true);
    const asset = externalAsset(externalAssetId('f1'), details, versionFromDetails(details, undefined));
    expect(asset).toMatchObject({
      status: 'ready',
      destination: 'imagekit',
      policy: 'none',
      fileName: 'hero.jpg',
      folder: 'shop',
    });
    expect(asset.output).toMatchObject({ format: 'jpeg', width: 40, url: 'https://ik.imagekit.io/demo/shop/hero.jpg' });
    expect(asset.output?.imagekit).toEqual({ fileId: 'f1', versionId: 'v2', filePath: '/shop/hero.jpg' });
  });
});
