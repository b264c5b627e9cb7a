import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHashPool, HashCounter, type HashCounterOptions } from './hash-counter';

const MiB = 1024 * 1024;

/** Runs `chunks` through a HashCounter; returns what came out, the count and the digest. */
const pool = createHashPool();
afterAll(() => pool.close());

async function hashChunks(chunks: Buffer[], options: HashCounterOptions = { pool }) {
  const counter = new HashCounter(options);
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(chunks, { objectMode: false }), counter, sink);
  return { output: Buffer.concat(out), bytes: counter.bytes, digest: await counter.digest() };
}

function split(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) chunks.push(data.subarray(offset, offset + size));
  return chunks;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.each([
  ['on a worker thread', { pool }],
  ['inline', {}],
])('HashCounter %s', (_mode, options) => {
  const big = randomBytes(5 * MiB + 12_345);

  it.each([
    ['empty input', Buffer.alloc(0), 1],
    ['one byte', Buffer.from([0x42]), 1],
    ['small chunks', randomBytes(10_000), 7],
    ['64 KiB chunks over several 1 MiB batches', big, 64 * 1024],
    ['chunks straddling batch boundaries', big, MiB + 1],
    ['one chunk larger than the in-flight bound', randomBytes(9 * MiB + 3), 9 * MiB + 3],
  ])('passes %s through unchanged and digests it like createHash', async (_name, data, chunkSize) => {
    const result = await hashChunks(split(data, chunkSize), options);

    expect(result.bytes).toBe(data.length);
    expect(result.output.equals(data)).toBe(true);
    expect(result.digest).toBe(sha256(data));
  });

  it('keeps concurrent streams apart', async () => {
    const inputs = [randomBytes(3 * MiB), randomBytes(2 * MiB + 5), Buffer.alloc(0), randomBytes(MiB)];
    const results = await Promise.all(inputs.map((data) => hashChunks(split(data, 48 * 1024), options)));

    expect(results.map((r) => r.digest)).toEqual(inputs.map(sha256));
  });

  it('rejects the digest of a stream destroyed before its end, and keeps working after', async () => {
    const counter = new HashCounter(options);
    counter.on('data', () => {});
    counter.on('error', () => {}); // observed through digest()
    counter.write(randomBytes(3 * MiB));
    counter.destroy(new Error('client went away'));

    await expect(counter.digest()).rejects.toThrow('client went away');
    const data = randomBytes(2 * MiB);
    expect((await hashChunks([data], options)).digest).toBe(sha256(data));
  });
});

describe('HashCounter on a worker thread', () => {
  it('bounds the bytes waiting for the hashing thread when the source is faster', async () => {
    const chunk = randomBytes(MiB);
    let sent = 0;
    const source = new Readable({
      read() {
        this.push(sent++ < 96 ? chunk : null);
      },
    });
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const counter = new HashCounter({ pool });
    const sink = new Writable({
      write(_chunk: Buffer, _encoding, done) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
        done();
      },
    });
    await pipeline(source, counter, sink);

    expect(await counter.digest()).toBe(sha256(Buffer.concat(Array.from({ length: 96 }, () => chunk))));
    expect(peak).toBeLessThan(32 * MiB); // 8 MiB in flight + a batch being filled, not 96 MiB
  });

  it('is closed by its owner: a stream hashing then fails with internal_error, and the pool serves later streams', async () => {
    const owned = createHashPool();
    const counter = new HashCounter({ pool: owned });
    counter.on('data', () => {});
    counter.on('error', () => {}); // observed through digest()
    counter.write(randomBytes(3 * MiB));
    await owned.close();
    await expect(counter.digest()).rejects.toMatchObject({ code: 'internal_error' });
    const data = randomBytes(MiB);
    expect((await hashChunks([data], { pool: owned })).digest).toBe(sha256(data));
    await owned.close();
  });

  it('neither keeps the process alive when idle (even a pool nobody closed) nor lets it exit while a hash is owed', async () => {
    // A child with nothing but a HashCounter: it must print the right digest (the pool is
    // referenced while it owes a reply) and then exit by itself (the idle pool is not).
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT], {
      env: { ...process.env, HASH_COUNTER_TS: path.join(__dirname, 'hash-counter.ts') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);

    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const expected = createHash('sha256');
    for (let i = 0; i < 40; i++) expected.update(Buffer.alloc(64 * 1024, i));
    expect(stdout.trim()).toBe(expected.digest('hex'));
  });
});

// Compiles hash-counter.ts with SWC (as jest does) and hashes 2.5 MiB; never calls exit.
// `@ingestkit/contracts` is stubbed: only `IngestError` is used, and only on failure.
const CHILD_SCRIPT = `
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
const file = process.env.HASH_COUNTER_TS;
const { code } = transformSync(readFileSync(file, 'utf8'), {
  filename: file,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
});
const load = Module._load;
Module._load = (request, ...rest) =>
  request === '@ingestkit/contracts' ? { IngestError: class IngestError extends Error {} } : load(request, ...rest);
const mod = new Module(file);
mod.filename = file;
mod.paths = Module._nodeModulePaths(require('node:path').dirname(file));
mod._compile(code, file);
const counter = new mod.exports.HashCounter({ pool: mod.exports.createHashPool() });
counter.resume();
(async () => {
  for (let i = 0; i < 40; i++) if (!counter.write(Buffer.alloc(64 * 1024, i))) await new Promise((r) => counter.once('drain', r));
  counter.end();
  console.log(await counter.digest());
})();
`;
