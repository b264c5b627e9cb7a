import { ConfigError } from '@ingestkit/runtime';
import { loadWebhookReceiverConfig } from './config';

const SECRET = 'whsec_Y3VycmVudA==';

describe('loadWebhookReceiverConfig', () => {
  it('listens on 8081, accepts both schemes and remembers event ids for 7 days by default', () => {
    const config = loadWebhookReceiverConfig({ IMAGEKIT_WEBHOOK_SECRET: SECRET });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(config.webhook).toEqual({
      secrets: [SECRET],
      schemes: ['standard', 'ik-signature'],
      dedupeTtlSeconds: 7 * 24 * 3600,
      toleranceMs: 300_000,
    });
  });

  it('takes several comma-separated secrets for a rotation', () => {
    const config = loadWebhookReceiverConfig({ IMAGEKIT_WEBHOOK_SECRET: ` ${SECRET}, whsec_b2xk ,` });
    expect(config.webhook.secrets).toEqual([SECRET, 'whsec_b2xk']);
  });

  it.each([{}, { IMAGEKIT_WEBHOOK_SECRET: ' , ' }])('refuses to boot without a secret, naming the key (%p)', (env) => {
    expect(() => loadWebhookReceiverConfig(env)).toThrow(ConfigError);
    expect(() => loadWebhookReceiverConfig(env)).toThrow(/IMAGEKIT_WEBHOOK_SECRET/);
  });

  it('restricts the schemes and rejects unknown ones', () => {
    expect(loadWebhookReceiverConfig({ IMAGEKIT_WEBHOOK_SECRET: SECRET, WEBHOOK_SCHEMES: 'standard' }).webhook.schemes).toEqual([
      'standard',
    ]);
    expect(() => loadWebhookReceiverConfig({ IMAGEKIT_WEBHOOK_SECRET: SECRET, WEBHOOK_SCHEMES: 'standard,svix' })).toThrow(
      /WEBHOOK_SCHEMES/,
    );
  });

  it('reads the port and the dedupe window, and refuses a window under a minute', () => {
    const config = loadWebhookReceiverConfig({
      IMAGEKIT_WEBHOOK_SECRET: SECRET,
      WEBHOOK_PORT: '9000',
      WEBHOOK_DEDUPE_TTL_SECONDS: '3600',
    });
    expect(config.http.port).toBe(9000);
    expect(config.webhook.dedupeTtlSeconds).toBe(3600);
    expect(() => loadWebhookReceiverConfig({ IMAGEKIT_WEBHOOK_SECRET: SECRET, WEBHOOK_DEDUPE_TTL_SECONDS: '5' })).toThrow(
      /WEBHOOK_DEDUPE_TTL_SECONDS/,
    );
  });
});
