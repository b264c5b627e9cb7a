import { httpEdgeEnv, httpEdgeFromEnv } from './http-edge-env';
import { ConfigError, loadConfig } from './load-config';

const settingsOf = (env: Record<string, string>) => httpEdgeFromEnv(loadConfig(httpEdgeEnv, env));

describe('httpEdgeEnv', () => {
  it('gives every listener finite timeouts and a minimum body rate by default, and open metrics', () => {
    expect(settingsOf({})).toEqual({
      server: { headersTimeoutMs: 30_000, requestTimeoutMs: 3_600_000, keepAliveTimeoutMs: 5_000 },
      minBodyRate: { minBytesPerSecond: 8 * 1024, windowMs: 30_000 },
    });
  });

  it('turns the body rate off with 0, keeps the headers timeout within the request timeout, and takes a metrics token', () => {
    const settings = settingsOf({
      UPLOAD_MIN_KIB_PER_SECOND: '0',
      HTTP_HEADERS_TIMEOUT_MS: '60000',
      HTTP_REQUEST_TIMEOUT_MS: '20000',
      METRICS_TOKEN: 'a-metrics-token-0123',
    });
    expect(settings.minBodyRate).toBeUndefined();
    expect(settings.server.headersTimeoutMs).toBe(20_000);
    expect(settings.metricsToken).toBe('a-metrics-token-0123');
  });

  it('refuses a request timeout of 0 (no timeout) and a short metrics token', () => {
    expect(() => settingsOf({ HTTP_REQUEST_TIMEOUT_MS: '0', METRICS_TOKEN: 'short' })).toThrow(ConfigError);
  });
});
