import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { createAuth } from './auth';
import { createUploadTokens } from './upload-token';

const tokens = createUploadTokens('a-test-secret-of-at-least-32-characters');
const keyIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Runs `requireUploader` for a bearer credential; resolves with the error passed to `next`, if any. */
function authenticate(auth: ReturnType<typeof createAuth>, credential: string): Promise<unknown> {
  const req = { headers: { authorization: `Bearer ${credential}` } } as Request;
  const res = { locals: {}, setHeader: () => res } as unknown as Response;
  return new Promise((resolve) => auth.requireUploader(req, res, ((err?: unknown) => resolve(err)) as NextFunction));
}

describe('upload tokens die with their minting key', () => {
  const minted = (key: string) => tokens.mint({ kid: keyIdOf(key), limits: {}, expiresInSeconds: 60 }).token;

  it('accepts a token while its key is configured, and refuses it (401) once the key is removed', async () => {
    const token = minted('key-two');
    expect(await authenticate(createAuth({ apiKeys: ['key-one', 'key-two'], tokens }), token)).toBeUndefined();
    expect(await authenticate(createAuth({ apiKeys: ['key-one'], tokens }), token)).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a token whose kid names no key at all, or is not a key id', async () => {
    const auth = createAuth({ apiKeys: ['key-one'], tokens });
    for (const kid of ['0123456789abcdef', '', keyIdOf('key-one').slice(0, 15)]) {
      const { token } = tokens.mint({ kid, limits: {}, expiresInSeconds: 60 });
      expect(await authenticate(auth, token)).toMatchObject({ code: 'unauthorized' });
    }
  });
});
