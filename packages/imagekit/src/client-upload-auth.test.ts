import ImageKit from '@imagekit/nodejs';
import { signUploadToken } from '@ingestkit/imagekit-emulator';
import { createClientUploadAuth } from './client-upload-auth';

const keys = { privateKey: 'private_key_x', publicKey: 'public_key_x' };
const NOW = Date.parse('2026-03-01T12:00:00.900Z');

describe('createClientUploadAuth', () => {
  it('signs token + expire like the v7 SDK’s helper and the emulator', () => {
    const auth = createClientUploadAuth({ ...keys, now: () => NOW, token: () => 'tok-1' });
    expect(auth).toEqual({
      token: 'tok-1',
      expire: Math.floor(NOW / 1000) + 1800,
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
      publicKey: 'public_key_x',
    });
    const sdk = new ImageKit({ privateKey: keys.privateKey, baseURL: 'http://127.0.0.1:1' });
    expect(sdk.helper.getAuthenticationParameters('tok-1', auth.expire).signature).toBe(auth.signature);
    expect(signUploadToken(keys.privateKey, 'tok-1', auth.expire)).toBe(auth.signature);
  });

  it('returns a fresh random token on every call', () => {
    const tokens = new Set(Array.from({ length: 20 }, () => createClientUploadAuth(keys).token));
    expect(tokens.size).toBe(20);
  });

  it('keeps expire relative to now and under one hour ahead', () => {
    expect(createClientUploadAuth({ ...keys, now: () => NOW, expireInSeconds: 60 }).expire).toBe(Math.floor(NOW / 1000) + 60);
    for (const expireInSeconds of [0, -1, 3600, 1.5]) {
      expect(() => createClientUploadAuth({ ...keys, expireInSeconds })).toThrow(
        expect.objectContaining({ code: 'bad_request' }),
      );
    }
  });
});
