// Proves /docs is an interactive API reference in headless Chromium with no network beyond the gateway: every operation of /openapi.json is listed, and "Try it out" sends a real request to the running gateway.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(60_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let redis: TestRedis;
let stack: InProcessStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the /docs browser test and was not found at ${CHROMIUM} (apt-get install chromium).`,
    );
  }
  redis = await startRedis();
  stack = await startInProcessStack(redis.url, 'docs', {});
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await redis?.stop();
});

it('lists every operation and tries one against the gateway, loading nothing from elsewhere', async () => {
  const document = (await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, object> };
  const operations = Object.values(document.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0);
  const context = await browser.newContext();
  const page = await context.newPage();
  const elsewhere: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(stack.url) || url.startsWith('data:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  try {
    await page.goto(`${stack.url}/docs`);
    await page.waitForSelector('.opblock');
    expect(await page.locator('.opblock').count()).toBe(operations);

    // Authorize with the API key, then try GET /v1/assets.
    await page.click('.auth-wrapper .authorize');
    const apiKeyForm = page.locator('.auth-container').filter({ hasText: 'apiKey' });
    await apiKeyForm.locator('input').first().fill(API_KEY);
    await apiKeyForm.locator('button.authorize').click();
    await page.click('.modal-ux .close-modal');

    const list = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/v1/assets"]') });
    await list.locator('.opblock-summary').click();
    await list.locator('.try-out__btn').click();
    const answered = page.waitForResponse((res) => res.url().startsWith(`${stack.url}/v1/assets`));
    await list.locator('.execute').click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toBe(`Bearer ${API_KEY}`);
    await list.locator('.live-responses-table .response .response-col_status').first().waitFor();
    expect(await list.locator('.live-responses-table .response .response-col_status').first().textContent()).toContain('200');
    expect(elsewhere).toEqual([]);
  } finally {
    await context.close();
  }
});
