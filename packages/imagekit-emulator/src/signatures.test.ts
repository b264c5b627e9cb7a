import { createHmac } from 'node:crypto';
import ImageKit from '@imagekit/nodejs';
import { signLegacyWebhook, signStandardWebhook, signUploadToken, verifyLegacyWebhook } from './signatures';

// Reference values computed independently with `openssl dgst -hmac` (key = the whole secret string).
const SECRET = 'whsec_dGVzdA==';
const BODY = '{"id":"e1"}';

describe('upload token signature', () => {
  it('is hex HMAC-SHA1(privateKey, token + expire)', () => {
    expect(signUploadToken('private_key', 'token-1', 1700000000)).toBe('2cc9c09c9abd72925d1c72bb00c4f74c5c26eac1');
  });

  it('matches what the SDK helper generates for browsers', () => {
    const ik = new ImageKit({ privateKey: 'private_abc' });
    const auth = ik.helper.getAuthenticationParameters('tok', 1800000000);
    expect(signUploadToken('private_abc', auth.token, auth.expire)).toBe(auth.signature);
  });
});

describe('webhook signatures', () => {
  it('legacy x-ik-signature is t=<ms>,v1=hex HMAC-SHA256(utf8(secret), "<t>.<body>")', () => {
    expect(signLegacyWebhook(SECRET, BODY, 1700000000000)).toBe(
      't=1700000000000,v1=8a1b195999303b94fb12d8a29f725b5b209c10ba58249e2d4073c1625e904984',
    );
  });

  it('legacy verification accepts the signature and rejects a changed body or secret', () => {
    const header = signLegacyWebhook(SECRET, BODY, 1700000000000);
    expect(verifyLegacyWebhook(SECRET, BODY, header)).toBe(1700000000000);
    expect(verifyLegacyWebhook(SECRET, '{"id":"e2"}', header)).toBeUndefined();
    expect(verifyLegacyWebhook('whsec_other', BODY, header)).toBeUndefined();
    expect(verifyLegacyWebhook(SECRET, BODY, 'garbage')).toBeUndefined();
  });

  it('standard webhook signature is v1,base64 HMAC-SHA256(utf8(secret), "<id>.<s>.<body>")', () => {
    expect(signStandardWebhook(SECRET, 'msg_1', BODY, 1700000000)).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,OK3D0WqtzQvHR4VqufbKUB2Wsw/eheNMmUF/gqdTCmg=',
    });
  });

  it('is accepted by the SDK unwrap, which the Standard Webhooks decoding convention would fail', () => {
    const ik = new ImageKit({ privateKey: 'private_abc', webhookSecret: SECRET });
    const now = Math.floor(Date.now() / 1000);
    const headers = signStandardWebhook(SECRET, 'msg_2', BODY, now);
    expect(ik.webhooks.unwrap(BODY, { headers: { ...headers } })).toEqual({ id: 'e1' });

    const decodedKey = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const conventional = createHmac('sha256', decodedKey).update(`msg_2.${now}.${BODY}`).digest('base64');
    expect(() => ik.webhooks.unwrap(BODY, { headers: { ...headers, 'webhook-signature': `v1,${conventional}` } })).toThrow(
      'No matching signature found',
    );
  });
});
