// Proves the originals store factory: local under DATA_DIR/originals, S3 with its own bucket, prefix and storage class, and presigned GETs that serve the exact bytes.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startS3, type TestS3 } from '@ingestkit/testkit';
import { createOriginals, createS3Client, originalsStoreConfig } from '../src';

const ASSET = 'ast_AAAAAAAAAAAAAAAAAAAAAA';
const storageEnv = (s3?: TestS3) => ({
  DATA_DIR: '/srv/ingestkit',
  S3_REGION: s3?.region ?? 'eu-west-1',
  S3_FORCE_PATH_STYLE: true,
  ...(s3 ? { S3_ENDPOINT: s3.endpoint } : {}),
});

describe('originalsStoreConfig', () => {
  it('maps off to no store, local to DATA_DIR/originals, s3 to its own bucket on the shared endpoint', () => {
    expect(originalsStoreConfig({ store: 'off' }, storageEnv())).toBeUndefined();
    expect(originalsStoreConfig({ store: 'local' }, storageEnv())).toEqual({ driver: 'local', root: '/srv/ingestkit/originals' });
    expect(
      originalsStoreConfig(
        { store: 's3', bucket: 'kept', prefix: 'originals/', storageClass: 'STANDARD_IA' },
        { ...storageEnv(), S3_ENDPOINT: 'http://127.0.0.1:9000' },
      ),
    ).toEqual({
      driver: 's3',
      bucket: 'kept',
      prefix: 'originals/',
      storageClass: 'STANDARD_IA',
      region: 'eu-west-1',
      forcePathStyle: true,
      endpoint: 'http://127.0.0.1:9000',
    });
  });
});

describe('local originals', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-originals-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps an original at DATA_DIR/originals/<assetId>/original, without a signer', async () => {
    const originals = createOriginals(originalsStoreConfig({ store: 'local' }, { ...storageEnv(), DATA_DIR: dataDir })!);
    const bytes = randomBytes(4096);
    expect(originals.keyOf(ASSET)).toBe(`${ASSET}/original`);
    await originals.store.put({ key: originals.keyOf(ASSET), body: bytes });
    expect(await readFile(join(dataDir, 'originals', ASSET, 'original'))).toEqual(bytes);
    expect(originals.signGet).toBeUndefined();
  });
});

describe('s3 originals', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3({ buckets: ['ingestkit-originals'] });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('writes under the prefix with the storage class, and a presigned GET serves the exact bytes', async () => {
    const config = originalsStoreConfig(
      { store: 's3', bucket: 'ingestkit-originals', prefix: 'kept/', storageClass: 'STANDARD_IA' },
      storageEnv(s3),
    )!;
    const originals = createOriginals({ ...config, credentials: s3.credentials } as typeof config);
    const bytes = randomBytes(70_000);
    const key = originals.keyOf(ASSET);
    expect(key).toBe(`kept/${ASSET}/original`);
    expect(originals.prefixOf(ASSET)).toBe(`kept/${ASSET}/`);
    await originals.store.put({ key, body: bytes, contentType: 'image/jpeg' });

    const client = createS3Client(s3);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'ingestkit-originals', Key: key }));
    client.destroy();
    expect(head.StorageClass).toBe('STANDARD_IA');

    const url = await originals.signGet!(key, { expiresInSeconds: 60 });
    expect(url).toContain('X-Amz-Expires=60');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });
});
