import { ConfigError } from '@ingestkit/runtime';
import { DEV_API_KEY, DEV_SIGNING_SECRET, loadGatewayConfig } from './config';

describe('loadGatewayConfig', () => {
  it('runs on an empty environment with the development key and local stores under ./data', () => {
    const config = loadGatewayConfig({});
    expect(config.auth).toEqual({ apiKeys: [DEV_API_KEY], isDevKey: true, adminKeys: [DEV_API_KEY] });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.stores.staging).toEqual({ driver: 'local', root: expect.stringMatching(/\/data$/) });
    expect(config.stores.publicUrls.local).toBe('http://127.0.0.1:8080/files');
  });

  it('refuses production without API_KEYS', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS: required in production/);
  });

  it('refuses production without GATEWAY_SIGNING_SECRET, and uses the marked development secret elsewhere', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', API_KEYS: 'k' })).toThrow(
      /GATEWAY_SIGNING_SECRET: required in production/,
    );
    expect(loadGatewayConfig({}).signing).toEqual({ secret: DEV_SIGNING_SECRET, isDevSecret: true });
    expect(() => loadGatewayConfig({ GATEWAY_SIGNING_SECRET: 'short' })).toThrow(/GATEWAY_SIGNING_SECRET/);
  });

  it('reads the browser-facing settings: CORS origins, presign expiry, public URL, source buckets', () => {
    const config = loadGatewayConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      PRESIGN_EXPIRES_SECONDS: '120',
      PUBLIC_URL: 'https://uploads.example/',
      SOURCE_BUCKETS: 'imports',
    });
    expect(config.cors.origins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.directUploads.expiresInSeconds).toBe(120);
    expect(config.publicUrl).toBe('https://uploads.example');
    expect(config.sources.buckets).toEqual(['imports']);
  });

  it('uses the given keys and never the development key when they are set', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'production', API_KEYS: 'k1, k2', GATEWAY_SIGNING_SECRET: 's'.repeat(32) });
    expect(config.auth).toEqual({ apiKeys: ['k1', 'k2'], isDevKey: false, adminKeys: ['k1', 'k2'] });
  });

  it('keeps admin keys apart from API keys when ADMIN_API_KEYS is set', () => {
    const config = loadGatewayConfig({ API_KEYS: 'k1', ADMIN_API_KEYS: 'ops1' });
    expect(config.auth).toMatchObject({ apiKeys: ['k1'], adminKeys: ['ops1'] });
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

  it('reads the tus expiry and sweep interval (24 h and 60 s by default), refusing a zero expiry', () => {
    expect(loadGatewayConfig({}).tus).toEqual({ expireAfterSeconds: 86_400, sweepEverySeconds: 60 });
    expect(loadGatewayConfig({ TUS_EXPIRE_AFTER_SECONDS: '3600', TUS_SWEEP_EVERY_SECONDS: '5' }).tus).toEqual({
      expireAfterSeconds: 3600,
      sweepEverySeconds: 5,
    });
    expect(() => loadGatewayConfig({ TUS_EXPIRE_AFTER_SECONDS: '0' })).toThrow(/TUS_EXPIRE_AFTER_SECONDS/);
  });

  it('reads the originals store it serves originals from: DATA_DIR/originals by default, an S3 bucket, or none', () => {
    expect(loadGatewayConfig({ DATA_DIR: '/srv/data' }).originals).toEqual({ driver: 'local', root: '/srv/data/originals' });
    expect(loadGatewayConfig({ ORIGINALS_STORE: 's3', ORIGINALS_S3_BUCKET: 'kept' }).originals).toMatchObject({
      driver: 's3',
      bucket: 'kept',
      prefix: 'originals/',
    });
    expect(loadGatewayConfig({ ORIGINALS_STORE: 'off' }).originals).toBeUndefined();
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
