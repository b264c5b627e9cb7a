import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { isDockerAvailable } from './docker';
import { installS3rverMultipart } from './s3rver-multipart';

/** An S3-compatible server for tests, and how to reach it (feed these to `createS3Client`). */
export interface TestS3 {
  /** e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Both servers need path-style URLs. */
  forcePathStyle: true;
  /** Which server answers: MinIO when a Docker engine is available, else in-process s3rver. */
  kind: 'minio' | 's3rver';
  /** Stops the server and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startS3}. */
export interface StartS3Options {
  /** Buckets to create before returning; default `['ingestkit-staging', 'ingestkit-assets']`. */
  buckets?: string[];
  /**
   * s3rver: give every bucket a CORS configuration for browser tests (any origin; GET, PUT, POST,
   * DELETE, HEAD; any header; `ETag` and `Location` exposed, as Uppy reads them). MinIO answers
   * CORS for any origin already.
   */
  cors?: boolean;
}

const BROWSER_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>${['GET', 'PUT', 'POST', 'DELETE', 'HEAD']
  .map((method) => `<AllowedMethod>${method}</AllowedMethod>`)
  .join(
    '',
  )}<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>Location</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** Buckets the services use by default. */
export const DEFAULT_TEST_BUCKETS = ['ingestkit-staging', 'ingestkit-assets'] as const;

const REGION = 'us-east-1';
const MINIO_IMAGE = 'minio/minio:latest';
const MINIO_USER = 'ingestkit';
const MINIO_PASSWORD = 'ingestkit-secret';

/**
 * Starts an S3-compatible server with the given buckets: a testcontainers MinIO when a Docker
 * engine answers (`isDockerAvailable`), else an in-process s3rver on a free port, with its data in a
 * fresh temp directory. Call `stop()` in `afterAll`.
 *
 * s3rver (3.7.1) does not check signatures (any credentials work). It lacks ListParts,
 * ListMultipartUploads and AbortMultipartUpload, which testkit adds over the parts it stores
 * (see {@link installS3rverMultipart} for what is and is not emulated), so multipart code runs
 * unchanged on both servers; testkit also refuses `aws-chunked` bodies, which s3rver would store
 * framing and all (clients need `requestChecksumCalculation: 'WHEN_REQUIRED'`, as
 * `createS3Client` sets). Its Range handling differs from S3 at the edges: `bytes=0-0` returns
 * the whole object, and a range on an empty object is not rejected.
 */
export async function startS3(options: StartS3Options = {}): Promise<TestS3> {
  const buckets = options.buckets ?? [...DEFAULT_TEST_BUCKETS];
  return (await isDockerAvailable()) ? startMinio(buckets) : startS3rver(buckets, options.cors ?? false);
}

async function startMinio(buckets: string[]): Promise<TestS3> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container: StartedTestContainer = await new GenericContainer(MINIO_IMAGE)
    .withCommand(['server', '/data'])
    .withEnvironment({ MINIO_ROOT_USER: MINIO_USER, MINIO_ROOT_PASSWORD: MINIO_PASSWORD })
    .withExposedPorts(9000)
    .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
    .start();
  try {
    // The minio image ships `mc`; it creates the buckets from inside the container.
    await execOrThrow(container, ['mc', 'alias', 'set', 'local', 'http://127.0.0.1:9000', MINIO_USER, MINIO_PASSWORD]);
    for (const bucket of buckets) await execOrThrow(container, ['mc', 'mb', '--ignore-existing', `local/${bucket}`]);
  } catch (err) {
    await container.stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${container.getHost()}:${container.getMappedPort(9000)}`,
    region: REGION,
    credentials: { accessKeyId: MINIO_USER, secretAccessKey: MINIO_PASSWORD },
    forcePathStyle: true,
    kind: 'minio',
    stop: () => (stopped ??= container.stop().then(() => undefined)),
  };
}

async function execOrThrow(container: StartedTestContainer, command: string[]): Promise<void> {
  const result = await container.exec(command);
  if (result.exitCode !== 0) {
    throw new Error(`minio: \`${command.slice(0, 3).join(' ')}\` exited ${result.exitCode}: ${result.output}`);
  }
}

/** The slice of s3rver's (untyped) API used here. */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
  /** Koa's middleware list (s3rver is a Koa app). */
  middleware: Parameters<typeof installS3rverMultipart>[0]['middleware'];
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

async function startS3rver(buckets: string[], cors: boolean): Promise<TestS3> {
  // s3rver has no type declarations; loaded lazily so MinIO runs never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'ingestkit-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0, // the OS picks a free port at listen time: no window for another process to take it
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, ...(cors ? { configs: [BROWSER_CORS] } : {}) })),
  });
  installS3rverMultipart(server);
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  const stop = async () => {
    const closing = server.close();
    // Keep-alive sockets of SDK clients would hold close() open; tests are done with them.
    server.httpServer?.closeAllConnections();
    await closing;
    await rm(directory, { recursive: true, force: true });
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    kind: 's3rver',
    stop: () => (stopped ??= stop()),
  };
}
