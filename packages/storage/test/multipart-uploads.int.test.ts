// Proves the S3 (s3rver or MinIO; parts presigned, or relayed through the gateway when undeclared) and local multipart adapters keep the same promises, and that relayed part URLs are signed and checked.
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startS3 } from '@ingestkit/testkit';
import {
  createLocalMultipartUploads,
  createMultipartUploads,
  createObjectStore,
  createS3Client,
  createS3MultipartUploads,
  verifyRelayedPart,
  type RelayedPartUploads,
} from '../src';
import { describeMultipartConformance } from './multipart-uploads.conformance';

const BUCKET = 'ingestkit-staging';
const SECRET = 'x'.repeat(32);

describeMultipartConformance('s3, undeclared parts relayed', async () => {
  const s3 = await startS3({ buckets: [BUCKET] });
  const config = { driver: 's3' as const, bucket: BUCKET, ...s3 };
  const store = createObjectStore(config);
  const uploads = createMultipartUploads(config, { store, baseUrl: 'http://gateway.test', secret: SECRET });
  return {
    uploads,
    store,
    refusesUnknownParts: s3.kind === 'minio',
    async sendPart(signed, body) {
      expect(signed.url.startsWith('http://gateway.test/')).toBe(true);
      return receiveRelayedPart(uploads, signed.url, body);
    },
    teardown: () => s3.stop(),
  };
});

describeMultipartConformance('s3, presigned parts', async () => {
  const s3 = await startS3({ buckets: [BUCKET] });
  const store = createObjectStore({ driver: 's3', bucket: BUCKET, ...s3 });
  const client = createS3Client(s3);
  const uploads = createS3MultipartUploads({ client, bucket: BUCKET });
  return {
    uploads,
    store,
    refusesUnknownParts: s3.kind === 'minio',
    async sendPart(signed, body) {
      const res = await fetch(signed.url, { method: 'PUT', body, headers: signed.headers });
      expect(res.status).toBe(200);
      return res.headers.get('etag') ?? '';
    },
    teardown: async () => {
      client.destroy();
      await s3.stop();
    },
  };
});

describeMultipartConformance('local', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ingestkit-mp-'));
  const store = createObjectStore({ driver: 'local', root });
  const uploads = createLocalMultipartUploads({ store, baseUrl: 'http://gateway.test', secret: SECRET });
  return {
    uploads,
    store,
    refusesUnknownParts: true,
    sendPart: (signed, body) => receiveRelayedPart(uploads, signed.url, body),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});

/** What the gateway's part route does with a relayed part URL. */
async function receiveRelayedPart(uploads: RelayedPartUploads, href: string, body: Buffer): Promise<string> {
  const url = new URL(href);
  const [uploadId, partNumber] = url.pathname.split('/').slice(-2) as [string, string];
  const ref = verifyRelayedPart({ uploadId, partNumber, query: Object.fromEntries(url.searchParams), secret: SECRET });
  return (await uploads.putPart({ ...ref, body: Readable.from([body]), bytes: body.length })).etag;
}

describe('local part URLs', () => {
  const signedUrl = async () => {
    const store = createObjectStore({ driver: 'local', root: os.tmpdir() });
    const uploads = createLocalMultipartUploads({ store, baseUrl: 'http://gateway.test/', secret: SECRET });
    const signed = await uploads.signPart({
      key: 'staging/a/original',
      uploadId: 'U'.repeat(24),
      partNumber: 3,
      expiresInSeconds: 60,
      maxBytes: 5000,
    });
    const url = new URL(signed.url);
    expect(url.pathname).toBe(`/v1/local-uploads/parts/${'U'.repeat(24)}/3`);
    return url;
  };
  const verify = (url: URL, now?: Date) =>
    verifyRelayedPart({
      uploadId: url.pathname.split('/').at(-2)!,
      partNumber: url.pathname.split('/').at(-1)!,
      query: Object.fromEntries(url.searchParams),
      secret: SECRET,
      now,
    });

  it('verifies what it signed', async () => {
    expect(verify(await signedUrl())).toEqual({
      key: 'staging/a/original',
      uploadId: 'U'.repeat(24),
      partNumber: 3,
      maxBytes: 5000,
    });
  });

  it('refuses an altered key, part number or byte cap, and an expired URL', async () => {
    const url = await signedUrl();
    const altered = new URL(url);
    altered.searchParams.set('key', 'staging/b/original');
    expect(() => verify(altered)).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
    const otherPart = new URL(url.href.replace('/3?', '/4?'));
    expect(() => verify(otherPart)).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
    expect(() => verify(url, new Date(Date.now() + 120_000))).toThrow(expect.objectContaining({ code: 'url_expired' }));
    const raised = new URL(url);
    raised.searchParams.set('max', String(10 ** 12));
    expect(() => verify(raised)).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
  });
});
