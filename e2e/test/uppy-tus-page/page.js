// The browser side of uppy-tus-browser.int.test.ts, bundled by esbuild (`@uppy/core` and
// `@uppy/tus` aliased to the 6.x packages).
/* global window */
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';

/**
 * Uploads the file at `fileUrl` with `@uppy/tus` as an app would (1 MiB chunks, so the upload is
 * several PATCHes); resolves with the upload URL (`/v1/tus/<assetId>`) or the failure.
 */
window.uploadWithUppyTus = async ({ gateway, token, fileUrl, fileName, folder }) => {
  const blob = await (await fetch(fileUrl)).blob();
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(Tus, {
    endpoint: `${gateway}/v1/tus`,
    headers: { authorization: `Bearer ${token}` },
    chunkSize: 1024 * 1024,
    retryDelays: [0, 500, 1000],
  });
  uppy.addFile({ name: fileName, type: blob.type, data: blob, meta: { folder } });
  const result = await uppy.upload();
  return {
    uploadUrls: result.successful.map((file) => file.response?.uploadURL ?? file.tus?.uploadUrl),
    failed: result.failed.map((file) => String(file.error)),
  };
};
