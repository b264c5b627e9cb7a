import { loadIngestWorkerConfig } from './config';

describe('loadIngestWorkerConfig', () => {
  it('defaults to local stores, concurrency 2 and the 50 MP pixel limit', () => {
    const config = loadIngestWorkerConfig({});
    expect(config.concurrency).toBe(2);
    expect(config.limits).toEqual({ maxInputBytes: 512 * 1024 * 1024, maxInputPixels: 50_000_000 });
    expect(config.metricsHttp.port).toBe(9101);
    expect(config.stores.localAssets.driver).toBe('local');
  });

  it('points the s3 destination at the assets bucket and its public URL', () => {
    const config = loadIngestWorkerConfig({
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ASSETS_BUCKET: 'media',
    });
    expect(config.stores.s3Assets).toMatchObject({
      driver: 's3',
      bucket: 'media',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(config.stores.publicUrls.s3).toBe('http://127.0.0.1:9000/media');
  });

  it('reads the job source settings: no allow list and no buckets by default, the fetch limits, the upload cap', () => {
    expect(loadIngestWorkerConfig({}).sources).toMatchObject({
      allowHosts: [],
      buckets: [],
      limits: { maxRedirects: 5, connectTimeoutMs: 5_000, timeoutMs: 120_000, maxBytes: 512 * 1024 * 1024 },
    });
    const config = loadIngestWorkerConfig({
      FETCH_ALLOW_HOSTS: '10.0.0.0/8, images.internal',
      SOURCE_BUCKETS: 'imports',
      FETCH_TIMEOUT_MS: '3000',
      MAX_UPLOAD_BYTES: '1000',
    });
    expect(config.sources).toMatchObject({
      allowHosts: ['10.0.0.0/8', 'images.internal'],
      buckets: ['imports'],
      limits: { timeoutMs: 3_000, maxBytes: 1_000 },
    });
    expect(() => loadIngestWorkerConfig({ FETCH_MAX_REDIRECTS: '50' })).toThrow(/FETCH_MAX_REDIRECTS/);
  });

  it('refuses a concurrency of 0', () => {
    expect(() => loadIngestWorkerConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });

  it('turns notifications on with NOTIFY_URL and NOTIFY_SECRET, and names NOTIFY_SECRET when it is missing or malformed', () => {
    expect(loadIngestWorkerConfig({}).notify).toBeUndefined();
    const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    expect(loadIngestWorkerConfig({ NOTIFY_URL: 'https://app.test/hooks', NOTIFY_SECRET: secret }).notify).toEqual({
      url: 'https://app.test/hooks',
      secret,
    });
    expect(() => loadIngestWorkerConfig({ NOTIFY_URL: 'https://app.test/hooks' })).toThrow(/NOTIFY_SECRET: required/);
    expect(() => loadIngestWorkerConfig({ NOTIFY_URL: 'https://app.test/hooks', NOTIFY_SECRET: 'hunter2' })).toThrow(
      /NOTIFY_SECRET/,
    );
    expect(() => loadIngestWorkerConfig({ NOTIFY_URL: 'ftp://app.test', NOTIFY_SECRET: secret })).toThrow(/NOTIFY_URL/);
  });
});
