import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultImagingLimits, throughputFor } from '@ingestkit/imaging';
import { loadIngestWorkerConfig } from './config';

describe('loadIngestWorkerConfig', () => {
  it('defaults to local stores, one image per core, the default limits and no configured policies', () => {
    const config = loadIngestWorkerConfig({});
    expect(config.concurrency).toBe(throughputFor(availableParallelism()).workerConcurrency);
    expect(config.sharp).toEqual(throughputFor(availableParallelism()));
    expect(config.limits).toEqual(defaultImagingLimits);
    expect(config.policies).toEqual({});
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

  it('keeps originals under DATA_DIR/originals for ever by default, or in their own S3 bucket through the shared endpoint', () => {
    expect(loadIngestWorkerConfig({ DATA_DIR: '/srv/data' }).originals).toEqual({
      placement: { store: 'local' },
      retentionDays: 0,
      sweepEverySeconds: 600,
      store: { driver: 'local', root: '/srv/data/originals' },
    });
    const s3 = loadIngestWorkerConfig({
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      ORIGINALS_STORE: 's3',
      ORIGINALS_S3_BUCKET: 'kept',
      ORIGINALS_S3_STORAGE_CLASS: 'STANDARD_IA',
      ORIGINALS_RETENTION_DAYS: '90',
    }).originals;
    expect(s3.retentionDays).toBe(90);
    expect(s3.store).toEqual({
      driver: 's3',
      bucket: 'kept',
      prefix: 'originals/',
      storageClass: 'STANDARD_IA',
      region: 'us-east-1',
      forcePathStyle: true,
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(loadIngestWorkerConfig({ ORIGINALS_STORE: 'off' }).originals.store).toBeUndefined();
    expect(() => loadIngestWorkerConfig({ ORIGINALS_S3_STORAGE_CLASS: 'GLACIER' })).toThrow(/ORIGINALS_S3_STORAGE_CLASS/);
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

  it('reads limits from the environment', () => {
    const config = loadIngestWorkerConfig({
      MAX_INPUT_FRAMES: '100',
      MAX_PROGRESSIVE_PIXELS: '1000000',
      MAX_METADATA_BYTES: '0',
      ALLOWED_INPUT_FORMATS: 'jpeg, png',
      WORKER_CONCURRENCY: '3',
    });
    expect(config.limits).toMatchObject({ maxInputFrames: 100, maxProgressivePixels: 1_000_000, maxMetadataBytes: 0 });
    expect(config.limits.allowedFormats).toEqual(['jpeg', 'png']);
    expect(config.concurrency).toBe(3);
    expect(() => loadIngestWorkerConfig({ ALLOWED_INPUT_FORMATS: 'jpeg,svg' })).toThrow(/ALLOWED_INPUT_FORMATS/);
  });

  it('loads policies from POLICIES_FILE and POLICIES_JSON, naming the key and field of every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-config-'));
    try {
      const file = join(dir, 'policies.json');
      writeFileSync(file, JSON.stringify({ policies: { thumbs: { kind: 'delivery', maxWidth: 400, maxHeight: 400 } } }));
      const config = loadIngestWorkerConfig({
        POLICIES_FILE: file,
        POLICIES_JSON: '{"policies":{"archive":{"kind":"master","quality":95}}}',
      });
      expect(Object.keys(config.policies).sort()).toEqual(['archive', 'thumbs']);

      writeFileSync(file, JSON.stringify({ policies: { thumbs: { kind: 'delivery', quality: 0 } } }));
      expect(() => loadIngestWorkerConfig({ POLICIES_FILE: file })).toThrow(/POLICIES_FILE: policies\.thumbs\.quality/);
      expect(() => loadIngestWorkerConfig({ POLICIES_FILE: join(dir, 'missing.json') })).toThrow(/POLICIES_FILE: cannot read/);
      expect(() => loadIngestWorkerConfig({ POLICIES_JSON: '{nope' })).toThrow(/POLICIES_JSON: not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads stall detection settings, 30 s lock and check and 2 stalls by default', () => {
    expect(loadIngestWorkerConfig({}).stalls).toEqual({ lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 });
    const config = loadIngestWorkerConfig({ WORKER_LOCK_MS: '5000', WORKER_STALLED_INTERVAL_MS: '2000', WORKER_MAX_STALLS: '1' });
    expect(config.stalls).toEqual({ lockDurationMs: 5_000, stalledIntervalMs: 2_000, maxStalledCount: 1 });
    expect(() => loadIngestWorkerConfig({ WORKER_LOCK_MS: '10' })).toThrow(/WORKER_LOCK_MS/);
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
