'use strict';
// The bare client of bench:cli, run as its own process like the CLI: CONCURRENCY workers, each
// reads a file and POSTs it as multipart with a fresh Idempotency-Key, nothing else (no walk, no
// sniffing, no hashing, no state, no retries). Prints the number of accepted uploads.
// Usage: node bare-upload-loop.js <url> <apiKey> <dir> <folder> <concurrency> [limit]

const { randomUUID } = require('node:crypto');
const fsp = require('node:fs/promises');
const path = require('node:path');

async function main() {
  const [url, apiKey, dir, folder, concurrency, limit] = process.argv.slice(2);
  const files = (await fsp.readdir(dir)).sort().slice(0, limit ? Number(limit) : undefined);
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < files.length) {
      const name = files[next++];
      const form = new FormData();
      form.append('folder', folder);
      form.append('file', new Blob([await fsp.readFile(path.join(dir, name))], { type: 'image/jpeg' }), name);
      const res = await fetch(`${url}/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': randomUUID() },
        body: form,
      });
      await res.arrayBuffer();
      if (res.status === 202) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  process.stdout.write(`${accepted}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
