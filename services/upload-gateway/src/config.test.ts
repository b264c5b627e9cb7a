import { ConfigError } from '@ingestkit/runtime';
import { DEV_API_KEY, loadGatewayConfig } from './config';

describe('loadGatewayConfig', () => {
  it('runs on an empty environment with the development key and local stores under ./data', () => {
    const config = loadGatewayConfig({});
    expect(config.auth).toEqual({ apiKeys: [DEV_API_KEY], isDevKey: true });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.stores.staging).toEqual({ driver: 'local', root: expect.stringMatching(/\/data$/) });
    expect(config.stores.publicUrls.local).toBe('http://127.0.0.1:8080/files');
  });

  it('refuses production without API_KEYS', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS: required in production/);
  });

  it('uses the given keys and never the development key when they are set', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'production', API_KEYS: 'k1, k2' });
    expect(config.auth).toEqual({ apiKeys: ['k1', 'k2'], isDevKey: false });
  });

  it('names every bad key', () => {
    try {
      loadGatewayConfig({ GATEWAY_PORT: '99999', DEFAULT_DESTINATION: 'ftp' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
        'DEFAULT_DESTINATION',
        'GATEWAY_PORT',
      ]);
    }
  });
});
