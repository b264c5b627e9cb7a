import { newAssetId } from './ids';
import { stagingKeys } from './keys';

describe('stagingKeys', () => {
  it('parses back the asset of every original key it builds', () => {
    for (let i = 0; i < 50; i++) {
      const id = newAssetId();
      expect(stagingKeys.assetIdOfOriginal(stagingKeys.original(id))).toBe(id);
    }
  });

  it.each([
    'staging/ast_AAAAAAAAAAAAAAAAAAAAAA/optimized/main',
    'staging/ast_AAAAAAAAAAAAAAAAAAAAA/original',
    'staging/not-an-id/original',
    'assets/ast_AAAAAAAAAAAAAAAAAAAAAA/original',
    'staging/ast_AAAAAAAAAAAAAAAAAAAAAA/original/extra',
    'x/staging/ast_AAAAAAAAAAAAAAAAAAAAAA/original',
  ])('finds no asset in %j', (key) => {
    expect(stagingKeys.assetIdOfOriginal(key)).toBeUndefined();
  });
});
