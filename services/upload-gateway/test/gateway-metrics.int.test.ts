// Proves the gateway's upload metrics: accepted multipart bytes are counted, and each refused upload is counted by its error code (bounded labels, no ids).
import { makePng, makeText } from '@ingestkit/testkit';
import { postUpload, useTestGateway } from './harness';

const gateway = useTestGateway();

const scrape = async () => (await fetch(`${gateway.url}/metrics`)).text();

it('counts accepted upload bytes and rejections by code', async () => {
  const png = await makePng({ width: 32, height: 32 });
  expect((await postUpload(gateway, { files: [{ data: png, name: 'a.png' }] })).status).toBe(202);
  expect((await postUpload(gateway, { files: [{ data: makeText(), name: 'b.png' }] })).status).toBe(415);
  expect((await postUpload(gateway, { files: [] })).status).toBe(400);

  const metrics = await scrape();
  expect(metrics).toMatch(new RegExp(`ingestkit_upload_bytes_total\\S* ${png.length}\\b`));
  expect(metrics).toMatch(/ingestkit_upload_rejections_total\{code="unsupported_media_type"[^}]*\} 1/);
  expect(metrics).toMatch(/ingestkit_upload_rejections_total\{code="missing_file"[^}]*\} 1/);
  expect(metrics).not.toMatch(/ast_/);
});
