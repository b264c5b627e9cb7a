import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IngestError } from '@ingestkit/contracts';
import type { ImagingLimits } from '../limits';
import type { OptimizedImage } from '../optimize';
import type { OptimizePolicy } from '../policy';
import type { ImageInfo } from '../probe';
import type { ImageRunner } from './image-runner';
import type { ChildReply, ChildRequest, ChildWork } from './protocol';

/** Options of {@link createImagePool}. */
export interface ImagePoolOptions {
  /** Child processes, i.e. images decoded at once; the worker's job concurrency. */
  size: number;
  /**
   * Memory one child may allocate, MB (`RLIMIT_DATA`, set with `ulimit -d` on Linux; 0: no
   * limit). libvips then fails the allocation ("out of memory" → `resource_limit_exceeded`)
   * instead of the kernel's OOM killer picking a process.
   */
  maxMemoryMb: number;
  /** One image may take this long; then its child is killed (`resource_limit_exceeded`). */
  timeoutMs: number;
  /** libvips threads per image in the children. Default 1. */
  sharpConcurrency?: number;
  /**
   * Images a child handles before it is replaced (default 200): native heaps fragment, and a
   * fresh process keeps the memory cap meaningful. A child is also replaced right after an
   * image exhausted its memory.
   */
  maxImagesPerChild?: number;
  /** The compiled child entry; default `image-child.js` beside this file (or in dist/ under ts-jest/swc). */
  childScript?: string;
}

/** An {@link ImageRunner} over child processes, plus what tests and metrics may look at. */
export interface ImagePool extends ImageRunner {
  /** Process ids of the live children. */
  pids(): number[];
}

interface Task {
  request: ChildWork;
  resolve(value: ImageInfo | OptimizedImage): void;
  reject(error: Error): void;
}

interface Slot {
  child?: ChildProcess;
  /** Images the current child has handled. */
  served: number;
  /** The image in progress, and the child working on it (a retired child may still be exiting). */
  task?: Task & { id: number; timer: NodeJS.Timeout; child: ChildProcess };
}

/**
 * Isolation of untrusted images: every decode and encode runs in one of `size` long-lived
 * child processes, one image at a time each, under a memory limit and a time limit. A file
 * that makes libvips exhaust its memory, hang, or crash the process (a codec bug, an abort)
 * fails only its own job, with `resource_limit_exceeded`; the child is replaced for the next
 * image, and images running in the other children are untouched. Child processes rather than
 * worker threads, because libvips memory is native: a thread's `resourceLimits` bound only its
 * JavaScript heap, and a native abort in a thread ends the whole process.
 *
 * Cost: the request (paths, policy) and the result (the encoded bytes) cross a pipe with
 * structured-clone serialization — a copy of the outputs, small next to decoding.
 */
export function createImagePool(options: ImagePoolOptions): ImagePool {
  const script = options.childScript ?? defaultChildScript();
  const slots: Slot[] = Array.from({ length: Math.max(1, options.size) }, () => ({ served: 0 }));
  const maxImagesPerChild = options.maxImagesPerChild ?? 200;
  const waiting: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawnChild = (slot: Slot): ChildProcess => {
    const env = {
      ...process.env,
      INGESTKIT_SHARP_CONCURRENCY: String(options.sharpConcurrency ?? 1),
      INGESTKIT_SHARP_CACHE_MB: '0',
      // glibc gives each thread that allocates its own malloc arena and returns little of their
      // fragmented memory; a child that decoded large images then stays at 500–650 MiB until it
      // is replaced (measured with bench:load). Two arenas keep it near 200 MiB.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    };
    const limitKb = Math.floor(options.maxMemoryMb * 1024);
    const useUlimit = process.platform === 'linux' && limitKb > 0 && existsSync('/bin/sh');
    const [command, args] = useUlimit
      ? ['/bin/sh', ['-c', `ulimit -d ${limitKb} && exec "$0" "$@"`, process.execPath, script]]
      : [process.execPath, [script]];
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    child.on('message', (reply: ChildReply) => finish(slot, reply));
    child.on('exit', (code, signal) => {
      if (slot.child === child) slot.child = undefined;
      const task = slot.task;
      if (task?.child === child) {
        slot.task = undefined;
        clearTimeout(task.timer);
        task.reject(
          new IngestError('resource_limit_exceeded', 'the image process ended while working on this image', {
            details: { reason: 'crash', exitCode: code, signal },
          }),
        );
      }
      dispatch();
    });
    child.on('error', () => undefined); // 'exit' follows and settles the task
    return child;
  };

  const finish = (slot: Slot, reply: ChildReply) => {
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    slot.task = undefined;
    clearTimeout(task.timer);
    slot.served++;
    if (slot.served >= maxImagesPerChild || (!reply.ok && reply.error.code === 'resource_limit_exceeded')) retire(slot);
    if (reply.ok) task.resolve(revive(reply.result));
    else task.reject(new IngestError(reply.error.code, reply.error.message, { details: reply.error.details }));
    dispatch();
  };

  /** Lets the slot's child go (it exits once disconnected); the next image in the slot gets a new one. */
  const retire = (slot: Slot) => {
    const child = slot.child;
    slot.child = undefined;
    slot.served = 0;
    if (child?.connected) child.disconnect();
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (closed || waiting.length === 0) return;
      if (slot.task) continue;
      const task = waiting.shift()!;
      const child = slot.child ?? (slot.child = spawnChild(slot));
      const id = nextId++;
      const timer = setTimeout(() => {
        if (slot.task?.id !== id) return;
        slot.task = undefined;
        task.reject(
          new IngestError('resource_limit_exceeded', `the image took longer than ${options.timeoutMs} ms`, {
            details: { reason: 'time', timeoutMs: options.timeoutMs },
          }),
        );
        child.kill('SIGKILL');
      }, options.timeoutMs);
      slot.task = { ...task, id, timer, child };
      child.send({ ...task.request, id } as ChildRequest);
    }
  };

  const run = <T extends ImageInfo | OptimizedImage>(request: ChildWork): Promise<T> => {
    if (closed) return Promise.reject(new IngestError('internal_error', 'the image pool is closed'));
    return new Promise<T>((resolve, reject) => {
      waiting.push({ request, resolve: resolve as Task['resolve'], reject });
      dispatch();
    });
  };

  return {
    probe: (path: string, limits: ImagingLimits) => run<ImageInfo>({ op: 'probe', path, limits }),
    optimize: (path: string, policy: OptimizePolicy, limits: ImagingLimits) =>
      run<OptimizedImage>({ op: 'optimize', path, policy, limits }),
    pids: () => slots.flatMap((slot) => (slot.child?.pid === undefined ? [] : [slot.child.pid])),
    async close() {
      closed = true;
      for (const task of waiting.splice(0)) task.reject(new IngestError('internal_error', 'the image pool is closed'));
      await Promise.all(
        slots.map(async (slot) => {
          const child = slot.child;
          if (!child || child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.disconnect();
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }),
      );
    },
  };
}

/** Structured clone turns Buffers into Uint8Arrays; give callers Buffers back (no copy). */
function revive<T extends ImageInfo | OptimizedImage>(result: T): T {
  if (!('data' in result)) return result;
  const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    ...result,
    data: asBuffer(result.data),
    variants: result.variants.map((variant) => ({ ...variant, data: asBuffer(variant.data) })),
  };
}

function defaultChildScript(): string {
  const beside = join(__dirname, 'image-child.js');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', 'dist', 'isolation', 'image-child.js');
}
