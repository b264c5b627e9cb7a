import sharp from 'sharp';

/**
 * The libvips loader classes ingestkit lets sharp use, one per accepted `ImageFormat`.
 * Unblocking a class unblocks its `File`, `Buffer` and `Source` subclasses too.
 *
 * Measured with sharp 0.35.5 / libvips 8.18.7 (prebuilt): with only these allowed, JPEG, PNG,
 * WebP, GIF, AVIF and TIFF load from files and buffers; SVG, PPM and the raw `.v` vips format
 * fail with "unsupported image format", because libvips skips blocked loaders when it picks
 * one. Left blocked on purpose: `VipsForeignLoadUhdr` (Ultra HDR JPEGs then load through the
 * plain JPEG loader as their SDR base image), SVG, PDF, vips, CSV, matrix, raw, and anything
 * a custom libvips build adds (magick, openslide, jp2k, jxl, fits…).
 */
export const allowedLoaders: readonly string[] = Object.freeze([
  'VipsForeignLoadJpeg',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadNsgif',
  'VipsForeignLoadHeif', // AVIF; HEIC goes to the wasm decoder in heif/, never to libvips (no HEVC)
  'VipsForeignLoadTiff',
]);

/** Options for {@link configureSharp}. */
export interface SharpSetupOptions {
  /**
   * libvips threads per image. Default: leave sharp's default (one per CPU core). A worker that
   * runs several jobs at once may want fewer, so images do not fight over cores.
   */
  concurrency?: number;
  /**
   * Memory for libvips' operation cache, in MB. Default 0: the cache is off, because the
   * pipeline reads each image once and a warm cache only holds memory (and, for the file cache,
   * open descriptors of temp files already deleted).
   */
  cacheMemoryMb?: number;
}

/** What {@link configureSharp} applied, for the boot log. */
export interface SharpSettings {
  concurrency: number;
  cacheMemoryMb: number;
  allowedLoaders: readonly string[];
}

/**
 * Applies ingestkit's process-wide sharp settings; services call it once at boot, before the
 * first image. Sets libvips' thread count and cache, and turns the loader list into an
 * allow-list: every `VipsForeignLoad*` is blocked, then only {@link allowedLoaders} are
 * unblocked, so a file that slips past sniffing still cannot reach an SVG, PDF or vips loader.
 * Idempotent: calling it again re-applies the same block list and the given options.
 *
 * These settings are global to the process (libvips state), not to a sharp instance.
 */
export function configureSharp(options: SharpSetupOptions = {}): SharpSettings {
  const { concurrency, cacheMemoryMb = 0 } = options;
  if (concurrency !== undefined) {
    if (!Number.isInteger(concurrency) || concurrency < 0) {
      throw new RangeError(`concurrency must be a non-negative integer, got ${concurrency}`);
    }
    sharp.concurrency(concurrency);
  }
  if (!Number.isFinite(cacheMemoryMb) || cacheMemoryMb < 0) {
    throw new RangeError(`cacheMemoryMb must be a non-negative number, got ${cacheMemoryMb}`);
  }
  if (cacheMemoryMb === 0) sharp.cache(false);
  else sharp.cache({ memory: cacheMemoryMb, files: 0, items: 100 });

  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: [...allowedLoaders] });

  return { concurrency: sharp.concurrency(), cacheMemoryMb, allowedLoaders };
}
