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

  it('turns ImageKit on only with a whole account, naming the missing keys', () => {
    expect(loadGatewayConfig({}).destinations).toEqual(['local', 's3']);
    const account = {
      IMAGEKIT_PRIVATE_KEY: 'private_x',
      IMAGEKIT_PUBLIC_KEY: 'public_x',
      IMAGEKIT_URL_ENDPOINT: 'https://ik.imagekit.io/demo',
    };
    expect(loadGatewayConfig({ ...account, DEFAULT_DESTINATION: 'imagekit' })).toMatchObject({
      destinations: ['local', 's3', 'imagekit'],
      defaultDestination: 'imagekit',
      imagekit: { privateKey: 'private_x', publicKey: 'public_x', urlEndpoint: 'https://ik.imagekit.io/demo' },
    });
    expect(() => loadGatewayConfig({ IMAGEKIT_PRIVATE_KEY: 'private_x' })).toThrow(
      /IMAGEKIT_PUBLIC_KEY[\s\S]*IMAGEKIT_URL_ENDPOINT/,
    );
    expect(() => loadGatewayConfig({ DEFAULT_DESTINATION: 'imagekit' })).toThrow(/DEFAULT_DESTINATION: imagekit needs/);
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
