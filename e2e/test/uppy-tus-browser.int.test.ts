// Proves the real @uppy/core + @uppy/tus 6.x uploads through the gateway's tus endpoint (an
// upload token, cross-origin, 1 MiB PATCHes) in headless Chromium, to ready.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let redis: TestRedis;
let browser: Browser;
let pageServer: Server;
let pageOrigin: string;
let bundleDir: string;
let png: Buffer;
let stack: InProcessStack;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the Uppy tus browser test and was not found at ${CHROMIUM}: ` +
        'install Debian\'s "chromium" package (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH.',
    );
  }
  bundleDir = await mkdtemp(join(tmpdir(), 'ingestkit-uppy-tus-'));
  await build({
    entryPoints: [join(__dirname, 'uppy-tus-page/page.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile: join(bundleDir, 'uppy-tus.js'),
    absWorkingDir: join(__dirname, '..'),
    alias: { '@uppy/core': '@uppy/core-v6', '@uppy/tus': '@uppy/tus-v6' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  // ~3 MiB of incompressible pixels: several 1 MiB PATCHes.
  png = await sharp(randomBytes(1024 * 1024 * 3), { raw: { width: 1024, height: 1024, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  pageServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    if (path === '/photo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else if (path === '/uppy-tus.js') {
      readFile(join(bundleDir, 'uppy-tus.js')).then(
        (js) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(js),
        () => res.writeHead(404).end(),
      );
    } else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>uppy tus</title>');
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  redis = await startRedis();
  stack = await startInProcessStack(redis.url, 'uppy-tus', { CORS_ORIGINS: pageOrigin });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await redis?.stop();
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

it('uploads with @uppy/core + @uppy/tus and an upload token, to ready', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${pageOrigin}/`);
    await page.addScriptTag({ url: `${pageOrigin}/uppy-tus.js` });
    const token = await stack.mintToken({ folder: 'phones', expiresInSeconds: 300 });
    const result = await page.evaluate((args) => (globalThis as any).uploadWithUppyTus(args), {
      gateway: stack.url,
      token,
      fileUrl: `${pageOrigin}/photo.png`,
      fileName: 'photo.png',
      folder: 'phones',
    });
    expect(result.failed).toEqual([]);
    const assetId = String(result.uploadUrls[0]).split('/').pop()!;
    const asset = await stack.settled(assetId, 60_000);
    expect(asset).toMatchObject({
      status: 'ready',
      folder: 'phones',
      fileName: 'photo.png',
      original: { bytes: png.length, format: 'png' },
    });
  } finally {
    await page.close();
  }
});
