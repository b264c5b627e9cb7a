import { ConfigError } from '@ingestkit/runtime';
import { loadPurgeServiceConfig } from './config';

const IMAGEKIT = {
  IMAGEKIT_PRIVATE_KEY: 'private_test',
  IMAGEKIT_PUBLIC_KEY: 'public_test',
  IMAGEKIT_URL_ENDPOINT: 'https://ik.imagekit.io/demo',
};

describe('loadPurgeServiceConfig', () => {
  it('serves metrics on 9102, batches for 2 s or 100 requests, spends 1000 a month, collapses at 5, polls every 10 s and retries held requests after 5 min by default', () => {
    const config = loadPurgeServiceConfig(IMAGEKIT);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9102 });
    expect(config.purge).toEqual({
      windowMs: 2_000,
      batchMax: 100,
      monthlyBudget: 1_000,
      collapseThreshold: 5,
      pollMs: 10_000,
      heldRetryMs: 300_000,
    });
    expect(config.imagekit).toEqual({
      privateKey: 'private_test',
      publicKey: 'public_test',
      urlEndpoint: 'https://ik.imagekit.io/demo',
    });
  });

  it("takes the workers' stall timings (WORKER_LOCK_MS, WORKER_STALLED_INTERVAL_MS, WORKER_MAX_STALLS)", () => {
    expect(loadPurgeServiceConfig(IMAGEKIT).stalls).toEqual({
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
    });
    const config = loadPurgeServiceConfig({
      ...IMAGEKIT,
      WORKER_LOCK_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      WORKER_MAX_STALLS: '1',
    });
    expect(config.stalls).toEqual({ lockDurationMs: 5_000, stalledIntervalMs: 2_000, maxStalledCount: 1 });
  });

  it('reads every PURGE_* key and the emulator base URL', () => {
    const config = loadPurgeServiceConfig({
      ...IMAGEKIT,
      IMAGEKIT_BASE_URL: 'http://127.0.0.1:4000',
      PURGE_WINDOW_MS: '250',
      PURGE_BATCH_MAX: '10',
      PURGE_MONTHLY_BUDGET: '0',
      PURGE_COLLAPSE_THRESHOLD: '3',
      PURGE_POLL_MS: '100',
      PURGE_HELD_RETRY_MS: '200',
      PURGE_METRICS_PORT: '0',
    });
    expect(config.purge).toEqual({
      windowMs: 250,
      batchMax: 10,
      monthlyBudget: 0,
      collapseThreshold: 3,
      pollMs: 100,
      heldRetryMs: 200,
    });
    expect(config.imagekit.baseURL).toBe('http://127.0.0.1:4000');
    expect(config.http.port).toBe(0);
  });

  it('allows 50 upload-caused purges per key per hour and keeps 20 % of the month for POST /v1/purge by default; both configurable', () => {
    expect(loadPurgeServiceConfig(IMAGEKIT).allowance).toEqual({ uploadsPerKeyPerHour: 50, apiReservedPercent: 20 });
    const config = loadPurgeServiceConfig({
      ...IMAGEKIT,
      PURGE_UPLOAD_ALLOWANCE_PER_HOUR: '3',
      PURGE_API_RESERVED_PERCENT: '0',
    });
    expect(config.allowance).toEqual({ uploadsPerKeyPerHour: 3, apiReservedPercent: 0 });
  });

  it('refuses to boot without the ImageKit account, naming every missing key', () => {
    expect(() => loadPurgeServiceConfig({})).toThrow(ConfigError);
    const message = (() => {
      try {
        loadPurgeServiceConfig({ IMAGEKIT_PRIVATE_KEY: 'private_test' });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/IMAGEKIT_PUBLIC_KEY/);
    expect(message).toMatch(/IMAGEKIT_URL_ENDPOINT/);
  });

  it.each([
    { PURGE_WINDOW_MS: '0' },
    { PURGE_BATCH_MAX: '0' },
    { PURGE_COLLAPSE_THRESHOLD: '1' },
    { PURGE_MONTHLY_BUDGET: '-1' },
    { PURGE_POLL_MS: '5' },
    { PURGE_HELD_RETRY_MS: 'soon' },
    { PURGE_UPLOAD_ALLOWANCE_PER_HOUR: '-1' },
    { PURGE_API_RESERVED_PERCENT: '101' },
  ])('rejects out-of-range values (%p)', (bad) => {
    expect(() => loadPurgeServiceConfig({ ...IMAGEKIT, ...bad })).toThrow(new RegExp(Object.keys(bad)[0] ?? ''));
  });
});
