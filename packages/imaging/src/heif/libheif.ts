import { createRequire } from 'node:module';

/**
 * The part of libheif-js (libheif and libde265 compiled to WebAssembly, LGPL-3.0) that this
 * package calls. Functions taking `number`s are libheif's C API on raw wasm pointers; the
 * others are the package's embind wrappers on handle objects (`$$.ptr` is the pointer).
 */
export interface Libheif {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  heif_error_code: { heif_error_Ok: unknown };
  heif_colorspace: { heif_colorspace_RGB: unknown };
  heif_chroma: { heif_chroma_interleaved_RGB: unknown; heif_chroma_interleaved_RGBA: unknown };
  heif_context_alloc(): unknown;
  heif_context_free(context: unknown): void;
  heif_context_read_from_memory(context: unknown, bytes: Uint8Array): { code: unknown; message: string };
  heif_context_get_number_of_top_level_images(context: unknown): number;
  heif_js_context_get_primary_image_handle(context: unknown): HandleObject | { code: unknown; message: string };
  heif_image_handle_get_width(handle: HandleObject): number;
  heif_image_handle_get_height(handle: HandleObject): number;
  heif_image_handle_has_alpha_channel(handle: HandleObject): number;
  heif_image_handle_release(handle: HandleObject): void;
  heif_js_decode_image2(handle: HandleObject, colorspace: unknown, chroma: unknown): DecodedImage;
  heif_image_release(image: unknown): void;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _heif_image_handle_get_color_profile_type(handle: number): number;
  _heif_image_handle_get_raw_color_profile_size(handle: number): number;
  _heif_image_handle_get_raw_color_profile(errorOut: number, handle: number, out: number): void;
  _heif_image_handle_get_nclx_color_profile(errorOut: number, handle: number, outPointer: number): void;
  _heif_nclx_color_profile_free(profile: number): void;
  _heif_image_handle_get_number_of_metadata_blocks(handle: number, typeFilter: number): number;
  _heif_image_handle_get_list_of_metadata_block_IDs(handle: number, typeFilter: number, ids: number, count: number): number;
  _heif_image_handle_get_metadata_type(handle: number, id: number): number;
  _heif_image_handle_get_metadata_size(handle: number, id: number): number;
  _heif_image_handle_get_metadata(errorOut: number, handle: number, id: number, out: number): void;
}

/** An embind `heif_image_handle`. */
export interface HandleObject {
  $$: { ptr: number };
}

/** What `heif_js_decode_image2` answers: the planes, or an error. */
export interface DecodedImage {
  code?: unknown;
  message?: string;
  image?: unknown;
  channels?: { width: number; height: number; stride: number; data: Uint8Array }[];
}

const requireHere = createRequire(__filename);

/**
 * A fresh libheif instance. Its wasm memory grows to the largest image it decoded and never
 * shrinks, so each image gets its own instance (≈50 ms of CPU to instantiate) and its memory
 * goes back to the process with it, instead of one instance holding the high-water mark.
 * The bundle embeds the wasm binary and instantiates synchronously.
 */
export function loadLibheif(): Libheif {
  const factory = requireHere('libheif-js/libheif-wasm/libheif-bundle.js') as () => Libheif;
  return factory();
}

/** A NUL-terminated string in wasm memory. */
export function readCString(heif: Libheif, pointer: number, max = 64): string {
  const bytes = heif.HEAPU8.subarray(pointer, pointer + max);
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end === -1 ? bytes.length : end)).toString('latin1');
}
