import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { limitsEnv, redisEnv, runtimeEnv, storageEnv } from './fragments';

const schema = z.object({ ...runtimeEnv.shape, ...redisEnv.shape, ...storageEnv.shape, ...limitsEnv.shape });

describe('loadConfig', () => {
  it('applies defaults and treats empty strings as unset', () => {
    const config = loadConfig(schema, { REDIS_URL: '', MAX_UPLOAD_BYTES: '1048576' });
    expect(config).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'ingestkit', MAX_UPLOAD_BYTES: 1_048_576 });
    expect(config.STAGING_STORE).toBe('local');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad key at once', () => {
    const attempt = () =>
      loadConfig(schema, {
        REDIS_URL: 'http://nope',
        MAX_UPLOAD_BYTES: 'lots',
        STAGING_STORE: 'ftp',
        S3_FORCE_PATH_STYLE: 'maybe',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const keys = (err as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(keys.sort()).toEqual(['MAX_UPLOAD_BYTES', 'REDIS_URL', 'S3_FORCE_PATH_STYLE', 'STAGING_STORE']);
      expect((err as ConfigError).message).toContain('Invalid configuration');
    }
  });

  it('parses booleans and lists strictly', () => {
    expect(loadConfig(schema, { S3_FORCE_PATH_STYLE: 'TRUE' }).S3_FORCE_PATH_STYLE).toBe(true);
    expect(loadConfig(schema, { S3_FORCE_PATH_STYLE: 'no' }).S3_FORCE_PATH_STYLE).toBe(false);
  });
});
