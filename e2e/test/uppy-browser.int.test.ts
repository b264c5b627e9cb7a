// Proves the real @uppy/core + @uppy/aws-s3, 5.x (endpoint + token header) and 6.x (companionEndpoint with the token in the path, and signRequest through POST /v1/uppy/sign), upload through the gateway's S3 routes in headless Chromium, multipart (3 parts; also paused and resumed, which lists the stored parts, and cancelled, which aborts) and single-part, on S3 (s3rver) and the local store, to ready.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { createS3Client, createS3MultipartUploads } from '@ingestkit/storage';
import { startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { startInProcessStack } from './in-process-stack';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MAJORS = [5, 6] as const;

let redis: TestRedis;
let s3: TestS3;
let browser: Browser;
let page: Page;
let pageServer: Server;
let pageOrigin: string;
let bundleDir: string;
let bigPng: Buffer;
let smallPng: Buffer;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the Uppy browser test and was not found at ${CHROMIUM}: ` +
        'install Debian\'s "chromium" package (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH.',
    );
  }
  bundleDir = await mkdtemp(join(tmpdir(), 'ingestkit-uppy-'));
  for (const major of MAJORS) {
    await build({
      entryPoints: [join(__dirname, 'uppy-page/page.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      outfile: join(bundleDir, `uppy-v${major}.js`),
      // Aliases resolve from the working directory: the e2e workspace, wherever jest was started.
      absWorkingDir: join(__dirname, '..'),
      alias: { '@uppy/core': `@uppy/core-v${major}`, '@uppy/aws-s3': `@uppy/aws-s3-v${major}` },
      define: { MAJOR: String(major), 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
  }
  // ~12 MiB of incompressible pixels: more than two 5 MiB parts.
  const width = 2048;
  const height = 2048;
  bigPng = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  smallPng = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366aa' } })
    .png()
    .toBuffer();

  pageServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    const major = /^\/uppy-v(\d)\.js$/.exec(path)?.[1];
    if (path === '/big.png' || path === '/small.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(path === '/big.png' ? bigPng : smallPng);
    } else if (major) {
      readFile(join(bundleDir, `uppy-v${major}.js`)).then(
        (js) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(js),
        () => res.writeHead(404).end(),
      );
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>uppy</title>');
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;

  redis = await startRedis();
  s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets'], cors: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await s3?.stop();
  await redis?.stop();
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

const startStack = async (env: Record<string, string>) => {
  const stack = await startInProcessStack(redis.url, 'uppy', { CORS_ORIGINS: pageOrigin, ...env });
  return {
    ...stack,
    mintToken: () => stack.mintToken({ folder: 'uppy', expiresInSeconds: 300 }),
    settled: (id: string) => stack.settled(id, 60_000),
  };
};

type Stack = Awaited<ReturnType<typeof startStack>>;

async function uploadInBrowser(
  stack: Stack,
  major: 5 | 6,
  multipart: boolean,
  signRequest = false,
  interrupt?: 'pause' | 'cancel',
) {
  await page.goto(`${pageOrigin}/`);
  await page.addScriptTag({ url: `${pageOrigin}/uppy-v${major}.js` });
  const token = await stack.mintToken();
  const routes: string[] = [];
  /** Gateway calls that list an upload's parts or abort it (Companion routes or the signRequest facade). */
  const calls: string[] = [];
  const record = (request: { url(): string; method(): string }) => {
    const url = request.url();
    const route = /\/(s3\/params|s3\/multipart|sign)\b/.exec(url)?.[1];
    if (route && request.method() !== 'OPTIONS') routes.push(route);
    const onUpload = /\/s3\/multipart\/[^/?]+(?:\?|$)/.test(url) ? request.method() : /\/s3-api\/(list|abort)\b/.exec(url)?.[1];
    const call = ({ GET: 'list', DELETE: 'abort', list: 'list', abort: 'abort' } as Record<string, string>)[onUpload ?? ''];
    if (call) calls.push(call);
  };
  page.on('request', record);
  const result = await page.evaluate(
    (input) =>
      // Runs in the page: `globalThis` is its window (the test's tsconfig has no DOM types).
      (
        globalThis as unknown as {
          uploadWithUppy(i: typeof input): Promise<{ assetId: string; parts: number; key?: string; uploadId?: string }>;
        }
      ).uploadWithUppy(input),
    {
      gateway: stack.url,
      token,
      fileUrl: `${pageOrigin}/${multipart ? 'big' : 'small'}.png`,
      fileName: multipart ? `big-v${major}.png` : `small-v${major}.png`,
      multipart,
      signRequest,
      interrupt,
    },
  );
  if (interrupt === 'cancel') {
    // Uppy sends the abort after cancelling (6.x with signRequest signs it first): wait for it.
    for (const deadline = Date.now() + 10_000; !calls.includes('abort') && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  page.off('request', record);
  return { ...result, routes: new Set(routes), calls };
}

describe.each([
  ['s3 (s3rver)', 's3'],
  ['local', 'local'],
] as const)('Uppy in Chromium, %s staging', (_name, store) => {
  let stack: Stack;
  let context: BrowserContext;
  const saved = { ...process.env };
  beforeAll(async () => {
    // A context per stack: closing it drops the browser's keep-alive connections to the gateway.
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    if (store === 's3') {
      // The SDK takes credentials from the standard chain; s3rver accepts any.
      process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    }
    stack = await startStack(
      store === 's3' ? { STAGING_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: 'true' } : {},
    );
  });
  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    process.env = saved;
  });

  it.each(MAJORS)('@uppy/aws-s3 %i.x: multipart upload of a 12 MiB PNG in 3 parts, to ready', async (major) => {
    const { assetId, parts, routes } = await uploadInBrowser(stack, major, true);
    expect(parts).toBe(3);
    expect(routes).toEqual(new Set(['s3/multipart']));
    const asset = await stack.settled(assetId);
    expect(asset).toMatchObject({ status: 'ready', folder: 'uppy', original: { bytes: bigPng.length, format: 'png' } });
  });

  it.each(MAJORS)('@uppy/aws-s3 %i.x: single-part upload, to ready', async (major) => {
    const { assetId, routes } = await uploadInBrowser(stack, major, false);
    expect(routes).toEqual(new Set(['s3/params']));
    const asset = await stack.settled(assetId);
    expect(asset).toMatchObject({ status: 'ready', original: { bytes: smallPng.length, format: 'png' } });
  });

  it.each([true, false])(
    '@uppy/aws-s3 6.x signRequest through POST /v1/uppy/sign (multipart: %s), to ready',
    async (multipart) => {
      const { assetId, parts, routes } = await uploadInBrowser(stack, 6, multipart, true);
      expect(routes).toEqual(new Set(['sign']));
      expect(parts).toBe(multipart ? 3 : 0);
      const asset = await stack.settled(assetId);
      expect(asset).toMatchObject({
        status: 'ready',
        original: { bytes: (multipart ? bigPng : smallPng).length, contentType: 'image/png', format: 'png' },
      });
    },
  );

  // Uppy lists the stored parts when a paused file resumes, and aborts a cancelled upload.
  const variants = [
    [5, false],
    [6, false],
    [6, true],
  ] as const;

  it.each(variants)(
    '@uppy/aws-s3 %i.x (signRequest: %s): paused and resumed after one part, to ready',
    async (major, signRequest) => {
      const { assetId, calls } = await uploadInBrowser(stack, major, true, signRequest, 'pause');
      expect(calls).toContain('list');
      const asset = await stack.settled(assetId);
      expect(asset).toMatchObject({ status: 'ready', original: { bytes: bigPng.length, format: 'png' } });
    },
  );

  it.each(variants)(
    '@uppy/aws-s3 %i.x (signRequest: %s): cancelled after one part, aborted and rejected',
    async (major, signRequest) => {
      const { assetId, key, uploadId, calls } = await uploadInBrowser(stack, major, true, signRequest, 'cancel');
      const asset = await stack.settled(assetId);
      expect(asset).toMatchObject({ status: 'rejected', error: { code: 'upload_incomplete' } });
      expect(calls).toContain('abort');
      if (store === 's3') {
        // The store dropped the upload, not only the gateway's session.
        const client = createS3Client(s3);
        const uploads = createS3MultipartUploads({ client, bucket: 'ingestkit-staging' });
        await expect(uploads.listParts({ key: key!, uploadId: uploadId! })).rejects.toMatchObject({ code: 'not_found' });
        client.destroy();
      }
    },
  );
});
