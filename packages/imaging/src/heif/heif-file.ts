import { IngestError } from '@ingestkit/contracts';
import { loadLibheif, readCString, type HandleObject, type Libheif } from './libheif';

/** What the HEIF container says about its primary image, read without decoding any pixels. */
export interface HeifHeader {
  /** Width and height as displayed: the container's rotation (`irot`) and mirror (`imir`) applied. */
  width: number;
  height: number;
  /** Top-level images in the file (a burst or a pair); only the primary one is decoded. */
  topLevelImages: number;
  hasAlpha: boolean;
  /** The embedded ICC profile (`colr` of type `prof`/`rICC`), if any. */
  icc?: Buffer;
  /** `colour_primaries` of an `nclx` colour box (H.273: 1 = BT.709/sRGB, 12 = Display P3). */
  nclxPrimaries?: number;
  /** The EXIF block (TIFF header first), when the file carries one. */
  exif?: Buffer;
  /** True when EXIF, XMP or other metadata items are attached. */
  hasMetadata: boolean;
}

/** 8-bit interleaved RGB(A) pixels, transformations (rotation, mirror, crop) applied. */
export interface HeifPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** One HEIF file opened in its own libheif instance; `close` lets the instance go. */
export interface HeifFile {
  readonly header: HeifHeader;
  /** Decodes the primary image. */
  decode(): HeifPixels;
  close(): void;
}

const fourcc = (value: number) =>
  String.fromCharCode((value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);

/** How libheif, Emscripten and V8 report memory that this process's cap refused. */
const OUT_OF_MEMORY =
  /OOM|enlarge memory|out of memory|Cannot allocate|WebAssembly\.Memory|Memory allocation error|Array buffer allocation failed/i;

/**
 * Parses a HEIF container (boxes only: no HEVC decoding) and reads its primary image's header.
 * A file libheif cannot parse is `corrupt_image`; running out of wasm memory is
 * `resource_limit_exceeded`.
 */
export function openHeif(bytes: Uint8Array): HeifFile {
  const heif = guard('loading the HEIF decoder', loadLibheif, 'internal_error');
  const context = heif.heif_context_alloc();
  let handle: HandleObject | undefined;
  const close = () => {
    if (handle) heif.heif_image_handle_release(handle);
    heif.heif_context_free(context);
  };
  try {
    const read = guard('reading the HEIF container', () => heif.heif_context_read_from_memory(context, bytes));
    if (read.code !== heif.heif_error_code.heif_error_Ok) throw corrupt('reading the HEIF container', read.message);
    const primary = guard('reading the HEIF container', () => heif.heif_js_context_get_primary_image_handle(context));
    if (!('$$' in primary)) throw corrupt('reading the HEIF container', primary.message);
    handle = primary;
    const header = guard('reading the HEIF container', () => readHeader(heif, context, primary));
    const opened = primary;
    return { header, decode: () => guard('decoding HEIC', () => decodePrimary(heif, opened, header)), close };
  } catch (err) {
    close();
    throw err;
  }
}

function readHeader(heif: Libheif, context: unknown, handle: HandleObject): HeifHeader {
  const pointer = handle.$$.ptr;
  const header: HeifHeader = {
    width: heif.heif_image_handle_get_width(handle),
    height: heif.heif_image_handle_get_height(handle),
    topLevelImages: heif.heif_context_get_number_of_top_level_images(context),
    hasAlpha: heif.heif_image_handle_has_alpha_channel(handle) !== 0,
    hasMetadata: false,
  };
  const profile = fourcc(heif._heif_image_handle_get_color_profile_type(pointer));
  if (profile === 'prof' || profile === 'rICC') {
    const size = heif._heif_image_handle_get_raw_color_profile_size(pointer);
    header.icc = withScratch(heif, size, (out, error) => {
      heif._heif_image_handle_get_raw_color_profile(error, pointer, out);
      return heif.HEAP32[error >> 2] === 0 ? Buffer.from(heif.HEAPU8.subarray(out, out + size)) : undefined;
    });
  } else if (profile === 'nclx') {
    header.nclxPrimaries = withScratch(heif, 4, (out, error) => {
      heif._heif_image_handle_get_nclx_color_profile(error, pointer, out);
      if (heif.HEAP32[error >> 2] !== 0) return undefined;
      const nclx = heif.HEAPU32[out >> 2]!;
      // struct heif_color_profile_nclx { uint8_t version; enum color_primaries; … }
      const primaries = heif.HEAP32[(nclx >> 2) + 1];
      heif._heif_nclx_color_profile_free(nclx);
      return primaries;
    });
  }
  const blocks = heif._heif_image_handle_get_number_of_metadata_blocks(pointer, 0);
  header.hasMetadata = blocks > 0;
  withScratch(heif, blocks * 4, (ids) => {
    heif._heif_image_handle_get_list_of_metadata_block_IDs(pointer, 0, ids, blocks);
    for (let i = 0; i < blocks; i++) {
      const id = heif.HEAPU32[(ids >> 2) + i]!;
      if (readCString(heif, heif._heif_image_handle_get_metadata_type(pointer, id)) !== 'Exif') continue;
      const size = heif._heif_image_handle_get_metadata_size(pointer, id);
      header.exif = withScratch(heif, size, (out, error) => {
        heif._heif_image_handle_get_metadata(error, pointer, id, out);
        if (heif.HEAP32[error >> 2] !== 0 || size < 4) return undefined;
        // A HEIF Exif item starts with a 4-byte offset to the TIFF header.
        const block = Buffer.from(heif.HEAPU8.subarray(out, out + size));
        const offset = 4 + block.readUInt32BE(0);
        return offset < block.length ? block.subarray(offset) : undefined;
      });
    }
    return undefined;
  });
  return header;
}

/**
 * Bytes per pixel libheif and libde265 hold at once while decoding: the decoded YCbCr 4:2:0
 * picture (1.5, twice: the decoder's picture and libheif's copy, or the assembled grid of an
 * Apple photo's tiles) and the interleaved RGB(A) output.
 */
const DECODE_BYTES_PER_PIXEL = 3;

function decodePrimary(heif: Libheif, handle: HandleObject, header: HeifHeader): HeifPixels {
  const channels = header.hasAlpha ? 4 : 3;
  reserveMemory(heif, header.width * header.height * (DECODE_BYTES_PER_PIXEL + channels));
  const chroma = channels === 4 ? heif.heif_chroma.heif_chroma_interleaved_RGBA : heif.heif_chroma.heif_chroma_interleaved_RGB;
  const image = guard('decoding HEIC', () =>
    heif.heif_js_decode_image2(handle, heif.heif_colorspace.heif_colorspace_RGB, chroma),
  );
  const plane = image.channels?.[0];
  if (image.code !== undefined || !plane) {
    if (image.image) heif.heif_image_release(image.image);
    throw corrupt('decoding HEIC', image.message ?? 'no pixels');
  }
  const { width, height, stride } = plane;
  const row = width * channels;
  const data = Buffer.allocUnsafe(row * height);
  for (let y = 0; y < height; y++) data.set(plane.data.subarray(y * stride, y * stride + row), y * row);
  heif.heif_image_release(image.image);
  return { data, width, height, channels };
}

/**
 * Grows the wasm memory to what the decode will need, before decoding. Inside libheif an
 * allocation that fails (wasm memory cannot grow past this process's memory cap) surfaces as
 * a decoder error indistinguishable from damaged data; failing here first makes it
 * `resource_limit_exceeded`. wasm memory never shrinks, so once grown the decode's own
 * allocations fit.
 */
function reserveMemory(heif: Libheif, bytes: number): void {
  const pointer = bytes > 0x7fff_0000 ? 0 : heif._malloc(bytes);
  if (pointer === 0) {
    throw new IngestError('resource_limit_exceeded', 'image needs more memory than a worker may use for one image', {
      details: { reason: 'memory', bytes },
    });
  }
  heif._free(pointer);
}

/** Runs `use` with `size` bytes of wasm memory and a 16-byte `heif_error`, freed afterwards. */
function withScratch<T>(heif: Libheif, size: number, use: (pointer: number, error: number) => T): T {
  const pointer = heif._malloc(Math.max(size, 4));
  const error = heif._malloc(16);
  try {
    return use(pointer, error);
  } finally {
    heif._free(error);
    heif._free(pointer);
  }
}

/**
 * libheif-js aborts (a `RuntimeError`, "Aborted(…)") when wasm memory cannot grow, which this
 * process's memory cap makes happen first; anything else it throws is a damaged file.
 */
function guard<T>(context: string, run: () => T, fallback: 'corrupt_image' | 'internal_error' = 'corrupt_image'): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof IngestError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (OUT_OF_MEMORY.test(message)) {
      throw new IngestError('resource_limit_exceeded', 'image needs more memory than a worker may use for one image', {
        details: { reason: 'memory' },
        cause: err,
      });
    }
    if (fallback === 'internal_error') throw new IngestError('internal_error', `${context}: ${message}`, { cause: err });
    throw corrupt(context, message);
  }
}

/** A libheif error: its own "Memory allocation error" (malloc failed in wasm) is memory, the rest damage. */
function corrupt(context: string, reason: string): IngestError {
  if (OUT_OF_MEMORY.test(reason)) {
    return new IngestError('resource_limit_exceeded', 'image needs more memory than a worker may use for one image', {
      details: { reason: 'memory' },
    });
  }
  return new IngestError('corrupt_image', `image could not be decoded (${context}): ${reason}`);
}
