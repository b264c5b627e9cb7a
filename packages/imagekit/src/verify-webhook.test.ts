import ImageKit from '@imagekit/nodejs';
import { signLegacyWebhook, signStandardWebhook } from '@ingestkit/imagekit-emulator';
import { IngestError } from '@ingestkit/contracts';
import { verifyImageKitWebhook, type VerifyImageKitWebhookOptions } from './verify-webhook';

const SECRET = 'whsec_Y3VycmVudC1zZWNyZXQ=';
const OLD_SECRET = 'whsec_b2xkLXNlY3JldA==';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const body = JSON.stringify({
  id: 'evt_1',
  type: 'file.created',
  created_at: '2026-03-01T12:00:00.000Z',
  data: { fileId: 'f1', name: 'é.png' },
});

function standardHeaders(secret = SECRET, atMs = NOW, payload = body): Record<string, string> {
  return { ...signStandardWebhook(secret, 'msg_1', payload, Math.floor(atMs / 1000)) };
}
function legacyHeaders(secret = SECRET, atMs = NOW, payload = body): Record<string, string> {
  return { 'x-ik-signature': signLegacyWebhook(secret, payload, atMs) };
}
function verify(options: Partial<VerifyImageKitWebhookOptions>) {
  return verifyImageKitWebhook({ rawBody: body, headers: {}, secrets: [SECRET], now: NOW, ...options });
}
function rejection(options: Partial<VerifyImageKitWebhookOptions>): IngestError {
  try {
    verify(options);
  } catch (error) {
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('unauthorized');
    return error as IngestError;
  }
  throw new Error('expected verification to fail');
}

describe('verifyImageKitWebhook', () => {
  it.each([
    ['Standard Webhooks', () => standardHeaders()],
    ['x-ik-signature', () => legacyHeaders()],
    ['both header sets, as ImageKit sends them', () => ({ ...standardHeaders(), ...legacyHeaders() })],
  ])('accepts a delivery signed with %s and returns the parsed event', (_name, headers) => {
    expect(verify({ headers: headers() })).toEqual(JSON.parse(body));
  });

  it('accepts a Buffer body, a fetch Headers object and mixed-case header names', () => {
    const headers = new Headers(standardHeaders());
    expect(verify({ rawBody: Buffer.from(body), headers }).id).toBe('evt_1');
    expect(verify({ headers: { 'X-IK-Signature': legacyHeaders()['x-ik-signature'] ?? '' } }).type).toBe('file.created');
  });

  it('agrees with the v7 SDK’s webhooks.unwrap on what is valid', () => {
    const sdk = new ImageKit({ privateKey: 'private_x', baseURL: 'http://127.0.0.1:1' });
    const headers = standardHeaders(SECRET, Date.now());
    expect(sdk.webhooks.unwrap(body, { headers: { ...headers }, key: SECRET })).toEqual(verify({ headers, now: Date.now() }));
    const tampered = body.replace('f1', 'f2');
    expect(() => sdk.webhooks.unwrap(tampered, { headers: { ...headers }, key: SECRET })).toThrow();
    expect(rejection({ rawBody: tampered, headers, now: Date.now() }).details).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('accepts any of several secrets during a rotation, for both schemes', () => {
    const secrets = [SECRET, OLD_SECRET];
    expect(verify({ secrets, headers: standardHeaders(OLD_SECRET) }).id).toBe('evt_1');
    expect(verify({ secrets, headers: legacyHeaders(OLD_SECRET) }).id).toBe('evt_1');
  });

  it('accepts a signature list where only one entry matches (sender-side rotation)', () => {
    const good = standardHeaders()['webhook-signature'];
    const stale = standardHeaders(OLD_SECRET)['webhook-signature'];
    const headers = { ...standardHeaders(), 'webhook-signature': `${stale} v1a,ignored ${good}` };
    expect(verify({ headers }).id).toBe('evt_1');
  });

  it.each([
    ['Standard Webhooks', () => standardHeaders(OLD_SECRET)],
    ['x-ik-signature', () => legacyHeaders(OLD_SECRET)],
  ])('rejects %s signed with a secret that is not configured', (_name, headers) => {
    expect(rejection({ headers: headers() }).details).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('rejects a body changed after signing, even by one byte', () => {
    const changed = body.replace('evt_1', 'evt_2');
    expect(rejection({ rawBody: changed, headers: standardHeaders() }).details).toMatchObject({ reason: 'signature_mismatch' });
    expect(rejection({ rawBody: changed, headers: legacyHeaders() }).details).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('rejects a delivery without signature headers, or with only some Standard Webhooks headers', () => {
    expect(rejection({ headers: {} }).details).toMatchObject({ reason: 'missing_headers' });
    const { 'webhook-id': _dropped, ...partial } = standardHeaders();
    expect(rejection({ headers: partial }).details).toMatchObject({ reason: 'missing_headers' });
  });

  it('only checks the schemes it is told to accept', () => {
    expect(rejection({ headers: legacyHeaders(), schemes: ['standard'] }).details).toMatchObject({ reason: 'missing_headers' });
    expect(verify({ headers: legacyHeaders(), schemes: ['ik-signature'] }).id).toBe('evt_1');
  });

  it('rejects malformed signature headers', () => {
    expect(rejection({ headers: { 'x-ik-signature': 't=abc,v1=00' } }).details).toMatchObject({ reason: 'malformed_header' });
    const headers = { ...standardHeaders(), 'webhook-signature': 'v1,not-base64' };
    expect(rejection({ headers }).details).toMatchObject({ reason: 'malformed_header' });
  });

  it.each([
    ['stale', -6 * 60_000, 'stale_timestamp'],
    ['future', 6 * 60_000, 'future_timestamp'],
  ])('rejects a %s timestamp outside the default 5 minute tolerance, for both schemes', (_name, offset, reason) => {
    expect(rejection({ headers: standardHeaders(SECRET, NOW + offset) }).details).toMatchObject({ reason });
    expect(rejection({ headers: legacyHeaders(SECRET, NOW + offset) }).details).toMatchObject({ reason });
  });

  it('accepts timestamps inside the tolerance, which is configurable', () => {
    expect(verify({ headers: legacyHeaders(SECRET, NOW - 4 * 60_000) }).id).toBe('evt_1');
    expect(rejection({ headers: legacyHeaders(SECRET, NOW - 4 * 60_000), toleranceMs: 60_000 }).details).toMatchObject({
      reason: 'stale_timestamp',
    });
  });

  it('accepts a replay of a valid delivery: deduplicating by event id is the receiver’s job', () => {
    const headers = standardHeaders();
    expect(verify({ headers }).id).toBe(verify({ headers }).id);
  });

  it('reports a valid signature over a body that is not an event as bad_request', () => {
    const payload = '{"hello":1}';
    expect(() => verify({ rawBody: payload, headers: legacyHeaders(SECRET, NOW, payload) })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });

  it("passes the Standard Webhooks specification's published test vector (base64 key after whsec_)", () => {
    // From the Standard Webhooks specification's reference libraries; the payload is not an
    // ImageKit event, so a verified signature surfaces as bad_request rather than unauthorized.
    const vector = {
      rawBody: '{"test": 2432232314}',
      headers: {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      },
      now: 1614265330 * 1000,
    };
    expect(() => verifyImageKitWebhook({ ...vector, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
    expect(() => verifyImageKitWebhook({ ...vector, secrets: ['whsec_bm90IHRoZSByaWdodCBzZWNyZXQ='] })).toThrow(
      expect.objectContaining({ code: 'unauthorized' }),
    );
  });

  it('refuses to verify without a secret', () => {
    expect(() => verify({ secrets: [''], headers: legacyHeaders() })).toThrow(
      expect.objectContaining({ code: 'internal_error' }),
    );
  });
});
