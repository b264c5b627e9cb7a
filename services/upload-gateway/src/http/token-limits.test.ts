import type { Principal } from './auth';
import { applyTokenLimits } from './token-limits';
import { createUploadTokens } from './upload-token';

const tokens = createUploadTokens('a-test-secret-of-at-least-32-characters');
const tokenWith = (limits: Parameters<typeof tokens.mint>[0]['limits']): Principal => {
  const { claims } = tokens.mint({ kid: 'k1', limits, expiresInSeconds: 60 });
  return { kind: 'uploadToken', id: claims.kid, claims };
};

describe('applyTokenLimits and overwrite', () => {
  it('refuses overwrite with 403 forbidden unless the token was minted with the overwrite claim', () => {
    expect(() => applyTokenLimits(tokenWith({ folder: 'a' }), { overwrite: true }, 1000)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    expect(() => applyTokenLimits(tokenWith({ overwrite: false }), { overwrite: true }, 1000)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    expect(applyTokenLimits(tokenWith({ folder: 'a', overwrite: true }), { overwrite: true }, 1000).options).toEqual({
      overwrite: true,
      folder: 'a',
    });
  });

  it('lets any token upload without overwrite, and API keys overwrite', () => {
    expect(applyTokenLimits(tokenWith({}), { overwrite: false }, 1000).options).toEqual({ overwrite: false });
    expect(applyTokenLimits({ kind: 'apiKey', id: 'k1' }, { overwrite: true }, 1000).options).toEqual({ overwrite: true });
  });
});
