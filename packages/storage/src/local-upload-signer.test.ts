import { createLocalUploadSigner, verifyLocalUpload } from './local-upload-signer';

const SECRET = 'local-upload-test-secret';
const signer = createLocalUploadSigner({ baseUrl: 'http://gw.test/', secret: SECRET });
const request = {
  key: 'staging/ast_AAAAAAAAAAAAAAAAAAAAAA/original',
  contentType: 'image/png',
  bytes: 500,
  maxBytes: 1000,
  method: 'PUT' as const,
  expiresInSeconds: 60,
};

function parse(url: string) {
  const parsed = new URL(url);
  return { key: parsed.pathname.replace('/v1/local-uploads/', ''), query: Object.fromEntries(parsed.searchParams) };
}

describe('local upload URLs', () => {
  it('grants exactly what was signed: key, method, the declared size, type and expiry', async () => {
    const signed = await signer.sign(request);
    expect(signed.url.startsWith('http://gw.test/v1/local-uploads/staging/')).toBe(true);
    const { key, query } = parse(signed.url);
    const grant = verifyLocalUpload({ key, method: 'PUT', query, secret: SECRET });
    expect(grant).toMatchObject({ key: request.key, method: 'PUT', maxBytes: 500, contentType: 'image/png' });
    expect(grant.expiresAt.getTime()).toBe(signed.expiresAt.getTime());
  });

  it.each([
    ['another key', (u: ReturnType<typeof parse>) => ({ ...u, key: 'staging/ast_BBBBBBBBBBBBBBBBBBBBBB/original' })],
    ['a larger size', (u: ReturnType<typeof parse>) => ({ ...u, query: { ...u.query, max: '100000' } })],
    ['a later expiry', (u: ReturnType<typeof parse>) => ({ ...u, query: { ...u.query, expires: '9999999999' } })],
    ['another type', (u: ReturnType<typeof parse>) => ({ ...u, query: { ...u.query, type: 'text/html' } })],
    ['no signature', (u: ReturnType<typeof parse>) => ({ ...u, query: { ...u.query, signature: '' } })],
    ['a traversal key', (u: ReturnType<typeof parse>) => ({ ...u, key: '../../etc/passwd' })],
  ])('refuses %s as signature_invalid', async (_label, tamper) => {
    const changed = tamper(parse((await signer.sign(request)).url));
    expect(() => verifyLocalUpload({ ...changed, method: 'PUT', secret: SECRET })).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    );
  });

  it('refuses the URL for another method, with another secret, and after its expiry', async () => {
    const { key, query } = parse((await signer.sign(request)).url);
    expect(() => verifyLocalUpload({ key, query, method: 'POST', secret: SECRET })).toThrow(/not one the gateway signed/);
    expect(() => verifyLocalUpload({ key, query, method: 'PUT', secret: 'other' })).toThrow(/not one the gateway signed/);
    expect(() => verifyLocalUpload({ key, query, method: 'PUT', secret: SECRET, now: new Date(Date.now() + 61_000) })).toThrow(
      expect.objectContaining({ code: 'url_expired' }),
    );
  });
});
