// Proves client-side upload auth: v1 signature success, expired, reused token even after a failure, bad signature; v2 JWT single use and payload match.
import { createHmac } from 'node:crypto';
import type ImageKit from '@imagekit/nodejs';
import { BadRequestError, PermissionDeniedError } from '@imagekit/nodejs';
import { type Emulator } from '../src';
import { MESSAGES, tokenReusedMessage } from '../src';
import { PRIVATE_KEY, PUBLIC_KEY, caught, pngFile, sdkFor, startTestEmulator } from './helpers';

let emulator: Emulator;
let server: ImageKit;
let browser: ImageKit;
const noBasicAuth = { headers: { Authorization: null } };

beforeAll(async () => {
  emulator = await startTestEmulator();
  server = sdkFor(emulator);
  // A client without the private key, as a browser would be: no Basic header at all.
  browser = sdkFor(emulator, { privateKey: '' });
});
afterAll(() => emulator.close());

async function clientUpload(auth: { token: string; expire: number; signature: string }, publicKey = PUBLIC_KEY) {
  return browser.files.upload({ file: await pngFile(2, 2), fileName: 'client.png', publicKey, ...auth }, noBasicAuth);
}

describe('client-side upload auth (v1 signature)', () => {
  it('accepts a fresh token signed by the SDK helper', async () => {
    const auth = server.helper.getAuthenticationParameters();
    const result = await clientUpload(auth);
    expect(result.name).toMatch(/^client_[A-Za-z0-9]{9}\.png$/);
  });

  it('rejects an expire in the past or more than 1 hour ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const expire of [now - 10, now + 3700]) {
      const error = await caught(() => clientUpload(server.helper.getAuthenticationParameters(undefined, expire)));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.error.message).toBe(MESSAGES.invalidExpire);
    }
  });

  it('never accepts a token twice, even when its first request failed', async () => {
    const used = server.helper.getAuthenticationParameters();
    await clientUpload(used);
    const replay = await caught(() => clientUpload(used));
    expect(replay).toBeInstanceOf(BadRequestError);
    expect(replay.error.message).toBe(tokenReusedMessage(used.token));

    const expired = server.helper.getAuthenticationParameters(undefined, Math.floor(Date.now() / 1000) - 5);
    await expect(clientUpload(expired)).rejects.toBeInstanceOf(BadRequestError);
    const fixed = server.helper.getAuthenticationParameters(expired.token);
    const retry = await caught(() => clientUpload(fixed));
    expect(retry.error.message).toBe(tokenReusedMessage(expired.token));
  });

  it('rejects a wrong signature and a wrong public key', async () => {
    const auth = server.helper.getAuthenticationParameters();
    const badSignature = await caught(() =>
      clientUpload({ ...auth, signature: auth.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }),
    );
    expect(badSignature).toBeInstanceOf(BadRequestError);
    expect(badSignature.error.message).toBe(MESSAGES.invalidSignature);

    const badKey = await caught(() => clientUpload(server.helper.getAuthenticationParameters(), 'public_other'));
    expect(badKey).toBeInstanceOf(PermissionDeniedError);
  });

  it('rejects a request that carries both a signature and Basic auth', async () => {
    const auth = server.helper.getAuthenticationParameters();
    const error = await caught(async () =>
      server.files.upload({ file: await pngFile(1, 1), fileName: 'both.png', publicKey: PUBLIC_KEY, ...auth }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error.message).toBe(MESSAGES.bothAuth);
  });
});

describe('client-side upload auth (v2 JWT)', () => {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  function uploadJwt(payload: Record<string, string>): string {
    const iat = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: PUBLIC_KEY })}.${b64({ ...payload, iat, exp: iat + 600 })}`;
    return `${unsigned}.${createHmac('sha256', PRIVATE_KEY).update(unsigned).digest('base64url')}`;
  }

  it('accepts a JWT matching the form fields once, and rejects a mismatched payload', async () => {
    const token = uploadJwt({ fileName: 'jwt.png', useUniqueFileName: 'false' });
    const upload = async (fileName: string) =>
      browser.beta.v2.files.upload({ file: await pngFile(1, 1), fileName, useUniqueFileName: false, token }, noBasicAuth);
    await expect(upload('jwt.png')).resolves.toMatchObject({ filePath: '/jwt.png' });
    const replay = await caught(() => upload('jwt.png'));
    expect(replay.error.message).toBe(tokenReusedMessage(token));

    const other = uploadJwt({ fileName: 'signed-name.png', useUniqueFileName: 'false' });
    const mismatch = await caught(async () =>
      browser.beta.v2.files.upload(
        { file: await pngFile(1, 1), fileName: 'other.png', useUniqueFileName: false, token: other },
        noBasicAuth,
      ),
    );
    expect(mismatch).toBeInstanceOf(BadRequestError);
    expect(mismatch.error.message).toBe(MESSAGES.jwtPayloadMismatch);
  });
});
