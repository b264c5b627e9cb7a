/** How many images a worker process handles at once, and how libvips is set up for that. */
export interface ThroughputSettings {
  /** BullMQ concurrency of the image stages (validate, optimize). */
  workerConcurrency: number;
  /** libvips threads per image (`sharp.concurrency`). */
  sharpConcurrency: number;
  /** libvips operation cache, MB (0: off; each image is read once). */
  cacheMemoryMb: number;
}

/**
 * The one place where image throughput is derived from the core count. One image per core:
 * the slow steps (JPEG/PNG decoding, WebP/mozjpeg encoding) are single-threaded in their
 * codecs, so images in parallel use the cores better than libvips threads inside one image,
 * and one libvips thread per image keeps the two from oversubscribing the cores. At least
 * two jobs, so one slow image never idles the process while it waits on I/O. sharp runs each
 * pipeline on a libuv thread (4 by default): above 4 jobs set `UV_THREADPOOL_SIZE` as well.
 *
 * @param cores `os.availableParallelism()`
 */
export function throughputFor(cores: number): ThroughputSettings {
  const usable = Math.max(1, Math.floor(cores));
  const workerConcurrency = Math.max(2, usable);
  return {
    workerConcurrency,
    sharpConcurrency: Math.max(1, Math.round(usable / workerConcurrency)),
    cacheMemoryMb: 0,
  };
}
