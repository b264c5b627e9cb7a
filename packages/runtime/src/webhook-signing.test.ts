import { signStandardWebhook, standardWebhookKey } from './webhook-signing';

describe('signStandardWebhook', () => {
  // The example of the Standard Webhooks specification (and of its reference libraries' tests).
  it('reproduces the specification example', () => {
    const headers = signStandardWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('refuses a secret that is not whsec_ and base64', () => {
    expect(() => standardWebhookKey('not-a-secret')).toThrow(/whsec_/);
    expect(() => standardWebhookKey('whsec_short')).toThrow(/whsec_/);
  });
});
