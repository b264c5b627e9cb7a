// Proves POST /v1/purge records a purge and queues one cdn.purge job per distinct URL, GET /v1/purge/:id shows it, and every bad request (foreign endpoint, malformed, wildcard, too many URLs, no ImageKit) gets its own 4xx code without queueing anything.
import { Queue } from 'bullmq';
import { queueNames, type Purge } from '@ingestkit/contracts';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEY, startTestGateway, type TestGateway } from './harness';

const ENDPOINT = 'https://ik.imagekit.io/purge_test';
let redis: TestRedis;
let gateway: TestGateway;
let plainGateway: TestGateway;
let queue: Queue;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({
    redisUrl: redis.url,
    imagekit: { privateKey: 'private_purge', publicKey: 'public_purge', urlEndpoint: ENDPOINT },
    maxPurgeUrlsPerCall: 3,
  });
  plainGateway = await startTestGateway({ redisUrl: redis.url });
  queue = new Queue(queueNames.purge, { connection: { url: redis.url }, prefix: gateway.prefix });
});
afterAll(async () => {
  await queue.close();
  await gateway.close();
  await plainGateway.close();
  await redis.stop();
});

async function postPurge(target: TestGateway, body: unknown, apiKey: string | null = API_KEY) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(`${target.url}/v1/purge`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as any };
}

it('answers 202 with a queued purge of the distinct URLs, queues one tracked job each, and shows it at its Location', async () => {
  const urls = [`${ENDPOINT}/shop/a.jpg`, `${ENDPOINT}/shop/a.jpg#top`, `${ENDPOINT}/shop/b.jpg?tr=w-100`];
  const response = await postPurge(gateway, { urls });
  expect(response.status).toBe(202);
  const purge = response.body.purge as Purge;
  expect(purge).toMatchObject({ status: 'queued', reason: 'api', requestIds: [] });
  expect(purge.urls.map((entry) => entry.url).sort()).toEqual([`${ENDPOINT}/shop/a.jpg`, `${ENDPOINT}/shop/b.jpg?tr=w-100`]);
  expect(response.location).toBe(`/v1/purge/${purge.id}`);

  const jobs = await queue.getJobs(['waiting']);
  const ours = jobs.filter((job) => job.data.purgeId === purge.id);
  expect(ours.map((job) => job.data.url).sort()).toEqual(purge.urls.map((entry) => entry.url).sort());

  const shown = await fetch(`${gateway.url}${response.location}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(shown.status).toBe(200);
  expect(((await shown.json()) as { purge: Purge }).purge).toEqual(purge);
});

it.each([
  ['a URL outside the URL endpoint', { urls: ['https://cdn.example.com/shop/a.jpg'] }, 400, 'url_not_purgeable'],
  ['a URL on a look-alike host', { urls: [`${ENDPOINT}-evil/a.jpg`] }, 400, 'url_not_purgeable'],
  ['a malformed URL', { urls: ['not a url'] }, 400, 'bad_request'],
  ['a wildcard', { urls: [`${ENDPOINT}/shop/*`] }, 400, 'bad_request'],
  ['an ftp URL', { urls: ['ftp://ik.imagekit.io/purge_test/a.jpg'] }, 400, 'bad_request'],
  ['more URLs than one call may carry', { urls: [1, 2, 3, 4].map((n) => `${ENDPOINT}/${n}.jpg`) }, 400, 'bad_request'],
  ['no URLs', { urls: [] }, 400, 'bad_request'],
  ['a body that is not {urls}', ['https://x'], 400, 'bad_request'],
])('refuses %s with its code and queues nothing', async (_name, body, status, code) => {
  const before = await queue.count();
  const response = await postPurge(gateway, body);
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
  expect(await queue.count()).toBe(before);
});

it('requires the API key, answers 404 for unknown purges, and 404 on a gateway without ImageKit', async () => {
  expect((await postPurge(gateway, { urls: [`${ENDPOINT}/a.jpg`] }, null)).status).toBe(401);
  const unknown = await fetch(`${gateway.url}/v1/purge/prg_AAAAAAAAAAAAAAAAAAAAAA`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  expect(unknown.status).toBe(404);
  const plain = await postPurge(plainGateway, { urls: [`${ENDPOINT}/a.jpg`] });
  expect({ status: plain.status, code: plain.body.error.code }).toEqual({ status: 404, code: 'not_found' });
});
