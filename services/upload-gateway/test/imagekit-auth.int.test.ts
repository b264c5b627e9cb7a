// Proves GET /v1/imagekit/auth hands out ImageKit client-upload parameters that the ImageKit emulator accepts once, and that a gateway without ImageKit says so.
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { upload } from '@imagekit/javascript';
import { FetchXhr } from './fetch-xhr';
import { API_KEY, startTestGateway, type TestGateway } from './harness';

const keys = { privateKey: 'private_gateway_test', publicKey: 'public_gateway_test' };
let redis: TestRedis;
let emulator: Emulator;
let gateway: TestGateway;
let plainGateway: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...keys, port: 0 });
  gateway = await startTestGateway({
    redisUrl: redis.url,
    imagekit: { ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url },
  });
  plainGateway = await startTestGateway({ redisUrl: redis.url });
});
afterAll(async () => {
  await gateway.close();
  await plainGateway.close();
  await emulator.close();
  await redis.stop();
});

const getAuth = (target: TestGateway, apiKey = API_KEY) =>
  fetch(`${target.url}/v1/imagekit/auth`, { headers: { authorization: `Bearer ${apiKey}` } });

async function uploadWith(params: Record<string, string | number>): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([await makePng({ width: 8, height: 8 })]), 'direct.png');
  form.append('fileName', 'direct.png');
  for (const [name, value] of Object.entries(params)) form.append(name, String(value));
  return fetch(`${emulator.url}/api/v1/files/upload`, { method: 'POST', body: form });
}

it('returns fresh, single-use parameters that ImageKit accepts', async () => {
  const res = await getAuth(gateway);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const params = (await res.json()) as { token: string; expire: number; signature: string; publicKey: string };
  expect(params.publicKey).toBe(keys.publicKey);
  expect(params.expire - Date.now() / 1000).toBeLessThanOrEqual(3600);
  expect(params.token).not.toBe(((await (await getAuth(gateway)).json()) as { token: string }).token);

  expect((await uploadWith(params)).status).toBe(200);
  expect((await uploadWith(params)).status).not.toBe(200);
});

it("lets the real @imagekit/javascript upload() send a browser upload to ImageKit with the gateway's parameters", async () => {
  const params = (await (await getAuth(gateway)).json()) as {
    token: string;
    expire: number;
    signature: string;
    publicKey: string;
  };
  const file = new Blob([await makePng({ width: 16, height: 16 })], { type: 'image/png' });
  const result = await upload({
    ...params,
    file,
    fileName: 'from-browser.png',
    folder: '/direct',
    useUniqueFileName: false,
    xhr: new FetchXhr(emulator.url) as unknown as NonNullable<Parameters<typeof upload>[0]>['xhr'],
  });
  expect(result).toMatchObject({ name: 'from-browser.png', filePath: '/direct/from-browser.png' });
  expect(emulator.files().some((stored) => stored.filePath === '/direct/from-browser.png')).toBe(true);
});

it('needs an API key, and answers 404 not_found where ImageKit is not configured', async () => {
  expect((await getAuth(gateway, 'wrong')).status).toBe(401);
  const res = await getAuth(plainGateway);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
});
