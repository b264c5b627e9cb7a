import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { IngestError } from '@ingestkit/contracts';

// Where the SHA-256 runs (measured with `npm run bench:gateway`, 1 GiB over loopback):
// - On the event loop it costs that thread ~0.3 s per GiB, time in which it reads no socket
//   and queues no write.
// - On a worker thread the event loop is spared that, but the hand-off (a copy into 1 MiB
//   batches, two messages per batch, thread wake-ups) adds 0.25-0.5 s of CPU per GiB and the
//   hashing thread needs a core of its own. On 2 cores, with the client on the same machine,
//   uploads were 8-25% slower than hashing inline. So threads are used from 3 cores up, where
//   the one event loop, not the total CPU, is what limits concurrent uploads.

/** Hash on worker threads when the machine has at least this many cores. */
const OFFLOAD_MIN_CORES = 3;
/** Bytes per message to a hashing thread. */
const BATCH_BYTES = 1024 * 1024;
/** Per stream: how far hashing may lag behind the bytes passed on before the stream waits. */
const MAX_IN_FLIGHT_BYTES = 8 * BATCH_BYTES;
/** One upload is hashed by one thread; more threads only serve concurrent uploads. */
const MAX_WORKERS = 4;

// The thread's code is a string, not a file: it then runs the same from dist (.js) and under
// jest, where sources are .ts transformed in memory that a worker could not load.
const WORKER_SOURCE = `
'use strict';
const { createHash } = require('node:crypto');
const { parentPort } = require('node:worker_threads');
const hashes = new Map();
parentPort.on('message', (msg) => {
  if (msg.op === 'update') {
    let hash = hashes.get(msg.id);
    if (hash === undefined) hashes.set(msg.id, (hash = createHash('sha256')));
    hash.update(new Uint8Array(msg.buffer, 0, msg.length));
    parentPort.postMessage({ op: 'ack', id: msg.id, buffer: msg.buffer }, [msg.buffer]);
  } else if (msg.op === 'digest') {
    const hash = hashes.get(msg.id) ?? createHash('sha256');
    hashes.delete(msg.id);
    parentPort.postMessage({ op: 'digest', id: msg.id, hex: hash.digest('hex') });
  } else if (msg.op === 'abort') {
    hashes.delete(msg.id);
  }
});
`;

/** How a {@link HashCounter} computes its digest. */
interface Hasher {
  /** Takes a chunk (not kept); calls `ready` once it can take the next one. */
  update(chunk: Buffer, ready: () => void): void;
  /** Hex digest of every chunk taken; call once, after the last `ready`. */
  digest(): Promise<string>;
  /** Drops the state; nothing is called back after this. */
  abort(): void;
}

function createInlineHasher(): Hasher {
  const hash = createHash('sha256');
  return {
    update(chunk, ready) {
      hash.update(chunk);
      ready();
    },
    digest: () => Promise.resolve(hash.digest('hex')),
    abort: () => {},
  };
}

interface HashClient {
  onAck(buffer: ArrayBuffer): void;
  onDigest(hex: string): void;
  onFailure(err: Error): void;
}

/**
 * One hashing thread and the streams it serves. The thread is referenced only while it owes
 * a reply, so an idle pool never keeps the process alive, and a stream waiting for its hash
 * does not let the process exit under it.
 */
class HashWorker {
  private readonly worker: Worker;
  private readonly clients = new Map<number, HashClient>();
  private owed = 0;
  private gone = false;
  private terminated: Promise<unknown> | undefined;

  constructor(private readonly onGone: (worker: HashWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, name: 'ingestkit-sha256' });
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the hashing thread exited with code ${code}`)));
    this.worker.unref(); // after on('message'), which refs the worker again
  }

  /** Streams currently hashed by this thread. */
  get load(): number {
    return this.clients.size;
  }

  open(id: number, client: HashClient): void {
    this.clients.set(id, client);
  }

  /** Hashes `length` bytes of `buffer`, which is transferred and comes back in `onAck`. */
  update(id: number, buffer: ArrayBuffer, length: number): void {
    this.send({ op: 'update', id, buffer, length }, [buffer]);
  }

  digest(id: number): void {
    this.send({ op: 'digest', id });
  }

  /** Ends the thread (the pool's `close`); its streams fail. */
  async terminate(): Promise<void> {
    this.fail(new Error('the hash pool was closed'));
    await this.terminated;
  }

  /** Forgets a stream; replies still owed to it are dropped. */
  close(id: number): void {
    if (this.clients.delete(id) && !this.gone) this.worker.postMessage({ op: 'abort', id });
  }

  private send(message: object, transfer?: ArrayBuffer[]): void {
    if (this.owed++ === 0) this.worker.ref();
    this.worker.postMessage(message, transfer);
  }

  private receive(reply: Reply): void {
    if (--this.owed === 0) this.worker.unref();
    const client = this.clients.get(reply.id);
    if (reply.op === 'ack') {
      client?.onAck(reply.buffer);
    } else {
      this.clients.delete(reply.id);
      client?.onDigest(reply.hex);
    }
  }

  private fail(cause: unknown): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone(this);
    this.terminated = this.worker.terminate().catch(() => undefined);
    const err = new IngestError('internal_error', 'the SHA-256 hashing thread failed', { cause });
    for (const client of this.clients.values()) client.onFailure(err);
    this.clients.clear();
  }
}

type Reply = { op: 'ack'; id: number; buffer: ArrayBuffer } | { op: 'digest'; id: number; hex: string };

/**
 * The hashing threads of one service, owned by it: started lazily (at most one per core but
 * one, since the event loop has that one, up to 4) and ended by `close` at shutdown. Threads
 * are referenced only while they owe a reply, so a pool left open never keeps a process alive.
 */
export interface HashPool {
  /** Ends every thread; streams still hashing fail with `internal_error`. Later streams start new threads. */
  close(): Promise<void>;
}

/** The pool as the hashers see it. */
interface ThreadPool extends HashPool {
  pick(): HashWorker;
  nextStreamId(): number;
}

export function createHashPool(): HashPool {
  const workers: HashWorker[] = [];
  let streams = 1;
  const pool: ThreadPool = {
    pick() {
      const idle = workers.find((worker) => worker.load === 0);
      if (idle) return idle;
      if (workers.length < Math.min(MAX_WORKERS, Math.max(1, availableParallelism() - 1))) {
        const worker = new HashWorker((gone) => {
          const index = workers.indexOf(gone);
          if (index >= 0) workers.splice(index, 1);
        });
        workers.push(worker);
        return worker;
      }
      return workers.reduce((least, worker) => (worker.load < least.load ? worker : least));
    },
    nextStreamId: () => streams++,
    close: async () => void (await Promise.all(workers.splice(0).map((worker) => worker.terminate()))),
  };
  return pool;
}

/**
 * A pool when hashing on threads pays on this machine (3 cores or more, see above), else
 * `undefined`: streams then hash inline.
 */
export function createHashPoolForThisMachine(): HashPool | undefined {
  return availableParallelism() >= OFFLOAD_MIN_CORES ? createHashPool() : undefined;
}

/**
 * Hashes on a pooled thread. Chunks are copied into 1 MiB batches whose buffers are
 * transferred to the thread and back, then reused (a fresh 1 MiB buffer costs an mmap and 256
 * page faults); `ready` is held back while more than 8 MiB wait to be hashed.
 */
function createThreadHasher(pool: ThreadPool, onFailure: (err: Error) => void): Hasher {
  const id = pool.nextStreamId();
  const spare: ArrayBuffer[] = [];
  let worker: HashWorker | undefined;
  let batch: Buffer | undefined;
  let batchLength = 0;
  let inFlight = 0;
  let waiting: (() => void) | undefined;
  let finish: ((hex: string) => void) | undefined;

  const connect = (): HashWorker => {
    if (worker === undefined) {
      worker = pool.pick();
      worker.open(id, {
        onAck(buffer) {
          inFlight -= buffer.byteLength;
          spare.push(buffer);
          const resume = waiting;
          if (resume !== undefined && inFlight < MAX_IN_FLIGHT_BYTES) {
            waiting = undefined;
            resume();
          }
        },
        onDigest: (hex) => finish?.(hex),
        onFailure,
      });
    }
    return worker;
  };
  const sendBatch = () => {
    const buffer = (batch as Buffer).buffer as ArrayBuffer;
    inFlight += buffer.byteLength; // read before the transfer detaches it
    connect().update(id, buffer, batchLength);
    batch = undefined;
    batchLength = 0;
  };

  return {
    update(chunk, ready) {
      for (let offset = 0; offset < chunk.length;) {
        batch ??= Buffer.from(spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES).buffer);
        const copied = chunk.copy(batch, batchLength, offset);
        batchLength += copied;
        offset += copied;
        if (batchLength === BATCH_BYTES) sendBatch();
      }
      if (inFlight < MAX_IN_FLIGHT_BYTES) ready();
      else waiting = ready;
    },
    digest() {
      if (batchLength > 0) sendBatch();
      const digested = new Promise<string>((resolve) => (finish = resolve));
      connect().digest(id);
      return digested;
    },
    abort: () => worker?.close(id),
  };
}

/** Options of {@link HashCounter}. */
export interface HashCounterOptions {
  /** Hash on a thread of this pool (the service's, see `createHashPool`); without one, inline. */
  pool?: HashPool;
}

/**
 * Passes bytes through unchanged while counting them and computing their SHA-256, inline or on
 * a thread of the service's pool. Offloaded, at most 8 MiB (plus one chunk) per stream wait to be
 * hashed; beyond that the stream applies backpressure, so memory stays flat when hashing is
 * slower than the network. The stream ends only once its digest is known; if the hashing
 * thread fails, the stream fails with `internal_error`.
 */
export class HashCounter extends Transform {
  bytes = 0;
  private readonly hasher: Hasher;
  private readonly digested: Promise<string>;
  private settle!: { resolve: (hex: string) => void; reject: (err: Error) => void };

  constructor(options: HashCounterOptions = {}) {
    super();
    this.hasher = options.pool
      ? createThreadHasher(options.pool as ThreadPool, (err) => this.destroy(err))
      : createInlineHasher();
    this.digested = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    this.digested.catch(() => {}); // the stream reports its own error; digest() callers see it too
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.push(chunk);
    this.hasher.update(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    void this.hasher.digest().then((hex) => {
      this.settle.resolve(hex);
      callback();
    });
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.hasher.abort();
    this.settle.reject(err ?? new Error('the stream was destroyed before it ended'));
    callback(err);
  }

  /** Hex SHA-256 of every byte passed through; resolves once the stream has ended. */
  digest(): Promise<string> {
    return this.digested;
  }
}
