import { createHmac } from 'node:crypto';
import { ApiError, MESSAGES } from './api-error';
import { tokenReusedMessage, verifyClientSignature, verifyUploadJwt } from './client-auth';
import { signUploadToken } from './signatures';

const NOW = 1_800_000_000_000;
const keys = { privateKey: 'private_k', publicKey: 'public_k' };
const ctx = () => ({ ...keys, usedTokens: new Set<string>(), now: NOW });
const rejection = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? [error.status, error.message] : error;
  }
  return 'accepted';
};

describe('verifyClientSignature', () => {
  const fields = (expire: number, token = 't1') => ({
    publicKey: 'public_k',
    token,
    expire: String(expire),
    signature: signUploadToken('private_k', token, expire),
  });

  it('accepts expire within the next hour and burns the token', () => {
    const context = ctx();
    expect(rejection(() => verifyClientSignature(fields(NOW / 1000 + 3600), context))).toBe('accepted');
    expect(rejection(() => verifyClientSignature(fields(NOW / 1000 + 3600), context))).toEqual([400, tokenReusedMessage('t1')]);
  });

  it.each([NOW / 1000, NOW / 1000 - 1, NOW / 1000 + 3601])('rejects expire %s (and still burns the token)', (expire) => {
    const context = ctx();
    expect(rejection(() => verifyClientSignature(fields(expire), context))).toEqual([400, MESSAGES.invalidExpire]);
    expect(context.usedTokens.has('t1')).toBe(true);
  });

  it('rejects a signature made with another key', () => {
    const forged = { ...fields(NOW / 1000 + 60), signature: signUploadToken('private_other', 't1', NOW / 1000 + 60) };
    expect(rejection(() => verifyClientSignature(forged, ctx()))).toEqual([400, MESSAGES.invalidSignature]);
  });
});

describe('verifyUploadJwt', () => {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (payload: object, key = 'private_k', kid = 'public_k') => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(payload)}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  };
  const iat = NOW / 1000 - 10;
  const form = { fileName: 'a.png', useUniqueFileName: 'false' };

  it('accepts a token whose payload matches the form fields, once', () => {
    const context = ctx();
    const token = jwt({ ...form, iat, exp: iat + 600 });
    expect(rejection(() => verifyUploadJwt({ ...form, token, file: 'x' }, context))).toBe('accepted');
    expect(rejection(() => verifyUploadJwt({ ...form, token, file: 'x' }, context))).toEqual([400, tokenReusedMessage(token)]);
  });

  it('rejects a payload mismatch, an expired token, a wrong key and a window over 1 hour', () => {
    expect(
      rejection(() => verifyUploadJwt({ ...form, folder: '/x', token: jwt({ ...form, iat, exp: iat + 600 }) }, ctx())),
    ).toEqual([400, MESSAGES.jwtPayloadMismatch]);
    expect(rejection(() => verifyUploadJwt({ ...form, token: jwt({ ...form, iat: iat - 700, exp: iat - 5 }) }, ctx()))).toEqual([
      400,
      MESSAGES.expiredToken,
    ]);
    expect(
      rejection(() => verifyUploadJwt({ ...form, token: jwt({ ...form, iat, exp: iat + 600 }, 'private_x') }, ctx())),
    ).toEqual([400, MESSAGES.invalidToken]);
    expect(rejection(() => verifyUploadJwt({ ...form, token: jwt({ ...form, iat, exp: iat + 3601 }) }, ctx()))).toEqual([
      400,
      MESSAGES.invalidToken,
    ]);
  });
});
