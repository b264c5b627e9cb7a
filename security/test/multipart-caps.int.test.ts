// Proves that no sequence of upload requests lets a {maxBytes: 1 MB} token write more than about 1 MB to local staging (multipart, signRequest, signed PUT), with the refusal codes, while honest clients are served.
import { randomBytes } from 'node:crypto';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';
import { multipartClient, peakDuring, type Answer } from './harness/multipart-client';

const CAP = 1_000_000;
/** Upload records and part metadata (small JSON files) beside the parts. */
const SLACK = 16 * 1024;

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'parts');
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const attacker = async () => multipartClient(stack, await stack.mintToken({ maxBytes: CAP, maxFiles: 1 }));
const code = (answer: Answer) => answer.body?.error?.code as string | undefined;
const etagOf = (answer: Answer) => answer.headers.get('etag') ?? '';

/** Runs `attack` and answers what it returned and the most staging grew (bytes on disk) while it ran. */
async function measured<T>(attack: () => Promise<T>): Promise<{ growth: number; result: T }> {
  const before = await stack.stagingBytes();
  const { peak, result } = await peakDuring(() => stack.stagingBytes(), attack);
  if (process.env.PRINT_GROWTH) process.stdout.write(`${expect.getState().currentTestName}: ${peak - before}\n`);
  return { growth: peak - before, result };
}

/** A JPEG padded to `bytes` (decoders ignore what follows the end marker): a valid image of any size. */
async function imageOf(bytes: number): Promise<Buffer> {
  const jpeg = await makeJpeg({ width: 32, height: 32 });
  return Buffer.concat([jpeg, Buffer.alloc(bytes - jpeg.length, 7)]);
}

describe('completing a local multipart upload', () => {
  it('refuses a part listed 300 times with 400 bad_request, before anything is joined', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const up = await client.create();
      const part = await client.upload(up, 1, randomBytes(900_000));
      expect(part.status).toBe(200);
      return client.complete(
        up,
        Array.from({ length: 300 }, () => ({ PartNumber: 1, ETag: etagOf(part) })),
      );
    });
    expect(result.status).toBe(400);
    expect(code(result)).toBe('bad_request');
    expect(result.body.error.message).toMatch(/more than once/);
    expect(result.body.error.details).toMatchObject({ partNumber: 1 });
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
  });

  it('refuses a list of 10 000 entries at once, without joining', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const up = await client.create();
      const part = await client.upload(up, 1, randomBytes(1000));
      return client.complete(
        up,
        Array.from({ length: 10_000 }, () => ({ PartNumber: 1, ETag: etagOf(part) })),
      );
    });
    expect(result.status).toBe(400);
    expect(code(result)).toBe('bad_request');
    expect(growth).toBeLessThanOrEqual(SLACK);
  });

  it('refuses an unknown (never uploaded) part with 400 bad_request', async () => {
    const client = await attacker();
    const up = await client.create();
    const part = await client.upload(up, 1, randomBytes(1000));
    const done = await client.complete(up, [
      { PartNumber: 1, ETag: etagOf(part) },
      { PartNumber: 7, ETag: etagOf(part) },
    ]);
    expect(done.status).toBe(400);
    expect(code(done)).toBe('bad_request');
    expect(done.body.error.details).toMatchObject({ partNumber: 7 });
  });

  it('refuses parts listed out of order with 400 bad_request', async () => {
    const client = await attacker();
    const up = await client.create();
    const one = await client.upload(up, 1, await imageOf(300_000));
    const two = await client.upload(up, 2, randomBytes(300_000));
    const done = await client.complete(up, [
      { PartNumber: 2, ETag: etagOf(two) },
      { PartNumber: 1, ETag: etagOf(one) },
    ]);
    expect(done.status).toBe(400);
    expect(code(done)).toBe('bad_request');
    expect(done.body.error.message).toMatch(/ascending/);
  });
});

describe('local part uploads', () => {
  it('cuts the parts past the cap when many parts each near the cap are sent one by one', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const up = await client.create();
      const answers: Answer[] = [];
      for (let n = 1; n <= 5; n++) answers.push(await client.upload(up, n, randomBytes(900_000)));
      return answers;
    });
    expect(result.map((a) => a.status)).toEqual([200, 413, 413, 413, 413]);
    expect(result.slice(1).map(code)).toEqual(Array(4).fill('payload_too_large'));
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
  });

  it('cuts them too when every part was signed up front, then all uploaded', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const up = await client.create();
      const urls = await client.signBatch(up, [1, 2, 3, 4, 5, 6]);
      const answers: Answer[] = [];
      for (const url of Object.values(urls)) answers.push(await client.put(url, randomBytes(400_000)));
      return answers;
    });
    expect(result.filter((a) => a.status === 200)).toHaveLength(2);
    expect(result.filter((a) => code(a) === 'payload_too_large')).toHaveLength(4);
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
  });

  it('counts concurrent parts of one upload together', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const up = await client.create();
      const urls = await client.signBatch(up, [1, 2, 3, 4, 5, 6, 7, 8]);
      return Promise.all(Object.values(urls).map((url) => client.put(url, randomBytes(300_000))));
    });
    expect(result.filter((a) => a.status === 200).length).toBeLessThanOrEqual(3);
    expect(result.filter((a) => a.status !== 200).every((a) => code(a) === 'payload_too_large')).toBe(true);
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
  });

  it('counts a re-sent part while it replaces the old one, and frees the old bytes after', async () => {
    const client = await attacker();
    const up = await client.create();
    const url = (await client.sign(up, 1)).body.url as string;
    const image = await imageOf(300_000);
    const { growth, result } = await measured(async () => {
      const first = await client.put(url, randomBytes(600_000));
      // Both copies would be on disk while the new one streams: 1.2 MB.
      const again = await client.put(url, randomBytes(600_000));
      const smaller = await client.put(url, image);
      // The 600 kB of the replaced part are free again: 300 kB + 700 kB fit the cap exactly.
      const two = await client.upload(up, 2, randomBytes(700_000));
      return { first, again, smaller, two };
    });
    const { first, again, smaller, two } = result;
    expect(first.status).toBe(200);
    expect(again.status).toBe(413);
    expect(code(again)).toBe('payload_too_large');
    expect(smaller.status).toBe(200);
    expect(two.status).toBe(200);
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
    const done = await client.complete(up, [
      { PartNumber: 1, ETag: etagOf(smaller) },
      { PartNumber: 2, ETag: etagOf(two) },
    ]);
    expect(done.status).toBe(200);
    expect(await stack.settled(up.assetId)).toMatchObject({ status: 'ready', original: { bytes: CAP } });
  });

  it('refuses one oversized part (declared or streamed) and keeps nothing of it', async () => {
    const client = await attacker();
    const up = await client.create();
    const before = await stack.stagingBytes();
    const declared = await client.upload(up, 1, randomBytes(1_500_000));
    expect(declared.status).toBe(413);
    expect(code(declared)).toBe('payload_too_large');
    // No Content-Length: the cap must hold while the bytes stream.
    const url = (await client.sign(up, 2)).body.url as string;
    const chunks = Array.from({ length: 30 }, () => randomBytes(50_000));
    const streamed = await fetch(url, {
      method: 'PUT',
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    if (streamed) expect(streamed.status).toBe(413);
    expect((await stack.stagingBytes()) - before).toBeLessThanOrEqual(SLACK);
  });

  it('refuses a part URL whose signed cap was altered with 403 signature_invalid', async () => {
    const client = await attacker();
    const up = await client.create();
    const url = new URL((await client.sign(up, 1)).body.url as string);
    url.searchParams.set('max', String(10 ** 12));
    const res = await client.put(url.href, randomBytes(1000));
    expect(res.status).toBe(403);
    expect(code(res)).toBe('signature_invalid');
  });
});

describe('the 6.x signRequest facade', () => {
  it('caps its parts and refuses duplicate part lists the same way', async () => {
    const client = await attacker();
    const { growth, result } = await measured(async () => {
      const created = await client.signRequest({ method: 'POST', key: 'x.jpg', contentType: 'image/jpeg' });
      const init = await fetch(created.body.url, { method: 'POST' });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await init.text())?.[1];
      const key = created.body.key as string;
      const parts: Answer[] = [];
      for (const partNumber of [1, 2, 3]) {
        const signed = await client.signRequest({ method: 'PUT', key, uploadId, partNumber });
        parts.push(signed.status === 200 ? await client.put(signed.body.url, randomBytes(900_000)) : signed);
      }
      const completeUrl = (await client.signRequest({ method: 'POST', key, uploadId })).body.url as string;
      const part = `<Part><PartNumber>1</PartNumber><ETag>${etagOf(parts[0]!)}</ETag></Part>`;
      const xml = `<CompleteMultipartUpload>${part.repeat(50)}</CompleteMultipartUpload>`;
      const completed = await fetch(completeUrl, { method: 'POST', body: xml });
      const body = (await completed.json().catch(() => undefined)) as { error?: { code: string } } | undefined;
      return { parts, completed: { status: completed.status, body } };
    });
    expect(result.parts.map((a) => a.status)).toEqual([200, 413, 413]);
    expect(result.completed.status).toBe(400);
    expect(result.completed.body?.error?.code).toBe('bad_request');
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
  });
});

describe('local signed PUT (presigned single upload)', () => {
  const presign = async (size: number, contentType = 'image/png') => {
    const token = await stack.mintToken({ maxBytes: CAP, maxFiles: 1 });
    const res = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.png', contentType, size }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { upload: { url: string; headers: Record<string, string> } }).upload;
  };

  it('refuses a Content-Type other than the signed one with 415 unsupported_media_type', async () => {
    const png = await makeJpeg({ width: 8, height: 8 });
    const upload = await presign(png.length, 'image/jpeg');
    const wrong = await fetch(upload.url, { method: 'PUT', body: png, headers: { 'content-type': 'text/html' } });
    expect(wrong.status).toBe(415);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const right = await fetch(upload.url, { method: 'PUT', body: png, headers: upload.headers });
    expect(right.status).toBe(204);
  });

  it('enforces the signed size while the bytes stream, keeping nothing', async () => {
    const upload = await presign(1000);
    const before = await stack.stagingBytes();
    const chunks = Array.from({ length: 30 }, () => randomBytes(50_000));
    const res = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    if (res) expect(res.status).toBe(413);
    expect((await stack.stagingBytes()) - before).toBeLessThanOrEqual(SLACK);
  });
});

describe('honest clients meanwhile', () => {
  it('serves an honest upload during an attack, and an honest multipart upload to ready', async () => {
    const client = await attacker();
    const up = await client.create();
    const urls = await client.signBatch(
      up,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const { growth, result } = await measured(() =>
      Promise.all([Promise.all(Object.values(urls).map((url) => client.put(url, randomBytes(200_000)))), stack.honestUpload()]),
    );
    const [attack, honest] = result;
    // The honest upload's own few kB pass through staging meanwhile.
    expect(growth).toBeLessThanOrEqual(CAP + SLACK);
    expect(honest).toEqual({ status: 202, assetStatus: 'ready' });
    expect(attack.filter((a) => a.status === 200).length).toBeLessThanOrEqual(5);

    const uploader = await attacker();
    const mine = await uploader.create();
    const image = await imageOf(700_000);
    const one = await uploader.upload(mine, 1, image.subarray(0, 400_000));
    const two = await uploader.upload(mine, 2, image.subarray(400_000));
    const done = await uploader.complete(mine, [
      { PartNumber: 1, ETag: etagOf(one) },
      { PartNumber: 2, ETag: etagOf(two) },
    ]);
    expect(done.status).toBe(200);
    expect(await stack.settled(mine.assetId)).toMatchObject({ status: 'ready', original: { bytes: image.length } });
  });
});
