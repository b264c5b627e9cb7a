import { createUploadTokens, UPLOAD_TOKEN_PREFIX } from './upload-token';

const tokens = createUploadTokens('a-test-secret-of-at-least-32-characters');

describe('upload tokens', () => {
  it('round-trips claims and limits through a signed token', () => {
    const { token, claims } = tokens.mint({ kid: 'k1', limits: { folder: 'avatars', maxFiles: 2 }, expiresInSeconds: 60 });
    expect(token.startsWith(UPLOAD_TOKEN_PREFIX)).toBe(true);
    expect(tokens.verify(token)).toEqual(claims);
    expect(claims).toMatchObject({ kid: 'k1', folder: 'avatars', maxFiles: 2, scope: 'upload' });
  });

  it('refuses a token whose claims were changed, one signed with another secret, and garbage', () => {
    const { token } = tokens.mint({ kid: 'k1', limits: { maxBytes: 10 }, expiresInSeconds: 60 });
    const [payload, signature] = token.slice(UPLOAD_TOKEN_PREFIX.length).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claims, maxBytes: 10_000_000 })).toString('base64url');
    expect(() => tokens.verify(`${UPLOAD_TOKEN_PREFIX}${widened}.${signature}`)).toThrow(/invalid upload token/);
    const other = createUploadTokens('another-secret-of-at-least-32-characters!').mint({
      kid: 'k1',
      limits: {},
      expiresInSeconds: 60,
    });
    expect(() => tokens.verify(other.token)).toThrow(/invalid upload token/);
    expect(() => tokens.verify('ut1.nonsense')).toThrow(/invalid upload token/);
  });

  it('refuses an expired token with a message saying so', () => {
    const { token } = tokens.mint({ kid: 'k1', limits: {}, expiresInSeconds: 60, now: new Date(Date.now() - 61_000) });
    expect(() => tokens.verify(token)).toThrow(/expired/);
  });
});
