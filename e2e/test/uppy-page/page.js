// The browser side of uppy-browser.int.test.ts, bundled once per @uppy major by esbuild
// (`@uppy/core` and `@uppy/aws-s3` are aliased to that major's packages; MAJOR is defined).
/* global MAJOR, window */
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

const MiB = 1024 * 1024;

/**
 * Uploads the file at `fileUrl` with Uppy as an app would; resolves with the asset id. Once the
 * first part is stored, `interrupt: 'pause'` pauses the file and resumes it (Uppy then asks for
 * the stored parts and sends the rest), and `interrupt: 'cancel'` cancels the upload (Uppy then
 * aborts it) and resolves at once.
 */
window.uploadWithUppy = async ({ gateway, token, fileUrl, fileName, multipart, signRequest, interrupt }) => {
  const blob = await (await fetch(fileUrl)).blob();
  const uppy = new Uppy({ autoProceed: false });
  const common = { shouldUseMultipart: multipart, getChunkSize: () => 5 * MiB };
  if (MAJOR === 5) {
    uppy.use(AwsS3, { ...common, endpoint: `${gateway}/v1/uppy`, headers: { authorization: `Bearer ${token}` } });
  } else if (signRequest) {
    // The app's own signer: asks the gateway to sign each S3 request Uppy makes.
    const sign = async (request) => {
      const res = await fetch(`${gateway}/v1/uppy/sign`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      if (!res.ok) throw new Error(`sign answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    uppy.use(AwsS3, { ...common, signRequest: sign });
  } else {
    uppy.use(AwsS3, { ...common, companionEndpoint: `${gateway}/v1/uppy/${token}` });
  }
  let parts = 0;
  let cancelled;
  const firstPart = new Promise((resolve) => uppy.once('s3-multipart:part-uploaded', resolve));
  uppy.on('s3-multipart:part-uploaded', () => parts++);
  const fileId = uppy.addFile({ name: fileName, type: blob.type, data: blob });
  if (interrupt === 'pause') {
    void firstPart.then(() => {
      uppy.pauseResume(fileId);
      setTimeout(() => uppy.pauseResume(fileId), 200);
    });
  } else if (interrupt === 'cancel') {
    cancelled = firstPart.then(() => {
      const { key, uploadId } = uppy.getFile(fileId).s3Multipart;
      uppy.cancelAll();
      return { assetId: /^staging\/([^/]+)\/original$/.exec(key)?.[1], parts, key, uploadId };
    });
  }
  const uploaded = uppy.upload();
  if (cancelled) return cancelled;
  const result = await uploaded;
  if (!result || result.failed.length > 0) throw new Error(`upload failed: ${String(result?.failed[0]?.error)}`);
  const key = result.successful[0].response.body.key;
  const assetId = /^staging\/([^/]+)\/original$/.exec(key)?.[1];
  if (!assetId) throw new Error(`no staging key in the upload result: ${JSON.stringify(result.successful[0].response)}`);
  if (!multipart) {
    // A single-part upload goes straight to storage: the app tells the gateway it is there.
    const res = await fetch(`${gateway}/v1/assets/${assetId}/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`complete answered ${res.status}: ${await res.text()}`);
  }
  return { assetId, parts };
};
