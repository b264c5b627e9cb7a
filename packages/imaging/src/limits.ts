/**
 * The resource limits every input is checked against before and while sharp decodes it.
 * Services build this from their config (`MAX_UPLOAD_BYTES`, `MAX_INPUT_PIXELS`) and pass it
 * to `probeImage` and `optimizeImage`; nothing here reads the environment.
 */
export interface ImagingLimits {
  /**
   * Largest input accepted, in bytes. Checked from `stat`/`Buffer.length` before any byte
   * reaches sharp; larger inputs fail with `payload_too_large`.
   */
  readonly maxInputBytes: number;
  /**
   * Largest decoded area accepted, in pixels: width × height, times the frame count for
   * animations (all frames are decoded). Checked against the header before decoding, and
   * given to sharp as `limitInputPixels` on every decoding instance; larger inputs fail with
   * `pixel_limit_exceeded`. 50 MP decodes to 150–200 MB of RGB(A) pixels.
   */
  readonly maxInputPixels: number;
}

/**
 * Defaults matching the runtime config defaults: 512 MiB (`MAX_UPLOAD_BYTES`, so large TIFF
 * exports fit) and 50 000 000 pixels (`MAX_INPUT_PIXELS`, well above a 45 MP camera sensor).
 */
export const defaultImagingLimits: ImagingLimits = Object.freeze({
  maxInputBytes: 512 * 1024 * 1024,
  maxInputPixels: 50_000_000,
});
