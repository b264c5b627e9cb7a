import { ConfigError, loadConfig } from './load-config';
import { originalsEnv, originalsFromEnv } from './originals-env';

const settingsOf = (env: Record<string, string>) => originalsFromEnv(loadConfig(originalsEnv, env));

describe('originalsEnv', () => {
  it('keeps originals on the local store for ever by default', () => {
    expect(settingsOf({})).toEqual({ placement: { store: 'local' }, retentionDays: 0, sweepEverySeconds: 600 });
  });

  it('takes an S3 bucket, prefix, storage class and a retention', () => {
    expect(
      settingsOf({
        ORIGINALS_STORE: 's3',
        ORIGINALS_S3_BUCKET: 'photos-originals',
        ORIGINALS_S3_PREFIX: 'kept/v1/',
        ORIGINALS_S3_STORAGE_CLASS: 'STANDARD_IA',
        ORIGINALS_RETENTION_DAYS: '30',
      }),
    ).toEqual({
      placement: { store: 's3', bucket: 'photos-originals', prefix: 'kept/v1/', storageClass: 'STANDARD_IA' },
      retentionDays: 30,
      sweepEverySeconds: 600,
    });
    // An empty value counts as unset (loadConfig), so the default prefix applies.
    expect(settingsOf({ ORIGINALS_STORE: 's3', ORIGINALS_S3_PREFIX: '' }).placement).toEqual({
      store: 's3',
      bucket: 'ingestkit-originals',
      prefix: 'originals/',
    });
  });

  it('turns originals off', () => {
    expect(settingsOf({ ORIGINALS_STORE: 'off' }).placement).toEqual({ store: 'off' });
  });

  it.each([
    ['ORIGINALS_STORE', 'glacier'],
    ['ORIGINALS_S3_STORAGE_CLASS', 'DEEP_ARCHIVE'],
    ['ORIGINALS_S3_STORAGE_CLASS', 'GLACIER'],
    ['ORIGINALS_S3_PREFIX', 'originals'],
    ['ORIGINALS_S3_PREFIX', '/originals/'],
    ['ORIGINALS_S3_PREFIX', 'a/../b/'],
    ['ORIGINALS_RETENTION_DAYS', '-1'],
    ['ORIGINALS_RETENTION_DAYS', 'forever'],
  ])('refuses %s=%s, naming the key', (key, value) => {
    expect(() => settingsOf({ [key]: value })).toThrow(ConfigError);
    expect(() => settingsOf({ [key]: value })).toThrow(key);
  });
});
