/** A greyscale (luma) image: one byte per pixel, row-major, no padding. */
export interface LumaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Side of the square SSIM window, in pixels. */
export const SSIM_WINDOW = 8;
const STRIDE = 4;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/**
 * Mean structural similarity (Wang et al. 2004) of two same-sized luma images: 1 means
 * identical, values fall as structure is lost. Windows are 8×8 squares with uniform weights,
 * every 4 px in both directions (the "fast" SSIM of libvips' and ssim.js' block variants,
 * not the 11×11 Gaussian of the paper), computed from summed-area tables so the cost is a
 * few array reads per window: about 10 ms for a 2000×1500 pair.
 *
 * Images smaller than a window are compared as one window.
 */
export function ssim(a: LumaImage, b: LumaImage): number {
  return ssimAgainst(a)(b);
}

/**
 * {@link ssim} against one reference, for many candidates: the reference's sums are built once,
 * so each comparison builds three tables instead of five (the `auto` quality search compares
 * up to four trial encodes with the same sample).
 */
export function ssimAgainst(reference: LumaImage): (candidate: LumaImage) => number {
  const { width, height } = reference;
  if (reference.data.length < width * height) throw new RangeError('ssim: pixel data too short');
  const own = summedAreaTables([reference.data], width, height);
  const [sa, saa] = [own[0]!, own[1]!];
  return (candidate) => {
    if (candidate.width !== width || candidate.height !== height) {
      throw new RangeError(`ssim needs equal sizes, got ${width}×${height} and ${candidate.width}×${candidate.height}`);
    }
    if (candidate.data.length < width * height) throw new RangeError('ssim: pixel data too short');
    const [sb, sbb, sab] = summedAreaTables([candidate.data, reference.data], width, height);
    const tables: Tables = { sa, sb: sb!, saa, sbb: sbb!, sab: sab! };
    const win = Math.min(SSIM_WINDOW, width, height);
    let total = 0;
    let count = 0;
    for (let y = 0; y + win <= height; y += STRIDE) {
      for (let x = 0; x + win <= width; x += STRIDE) {
        total += windowSsim(tables, width + 1, x, y, win);
        count++;
      }
      if (win < STRIDE) break;
    }
    return total / count;
  };
}

interface Tables {
  sa: Float64Array;
  sb: Float64Array;
  saa: Float64Array;
  sbb: Float64Array;
  sab: Float64Array;
}

/**
 * Inclusive prefix sums, with a zero row and column in front, of `p` and `p²` for `[p]`, and
 * of `p`, `p²` and `p·q` for `[p, q]`.
 */
function summedAreaTables(images: [Uint8Array] | [Uint8Array, Uint8Array], width: number, height: number): Float64Array[] {
  const size = (width + 1) * (height + 1);
  const a = images[0];
  const other = images[1];
  const s = new Float64Array(size);
  const ss = new Float64Array(size);
  const sx = other ? new Float64Array(size) : undefined;
  const stride = width + 1;
  for (let y = 0; y < height; y++) {
    let r = 0;
    let rr = 0;
    let rx = 0;
    const row = (y + 1) * stride;
    const above = y * stride;
    for (let x = 0; x < width; x++) {
      const p = a[y * width + x]!;
      r += p;
      rr += p * p;
      const i = row + x + 1;
      const j = above + x + 1;
      s[i] = s[j]! + r;
      ss[i] = ss[j]! + rr;
      if (sx) {
        rx += p * other![y * width + x]!;
        sx[i] = sx[j]! + rx;
      }
    }
  }
  return sx ? [s, ss, sx] : [s, ss];
}

function windowSsim(t: Tables, stride: number, x: number, y: number, win: number): number {
  const n = win * win;
  const tl = y * stride + x;
  const tr = tl + win;
  const bl = tl + win * stride;
  const br = bl + win;
  const box = (s: Float64Array) => s[br]! - s[bl]! - s[tr]! + s[tl]!;
  const ma = box(t.sa) / n;
  const mb = box(t.sb) / n;
  const va = box(t.saa) / n - ma * ma;
  const vb = box(t.sbb) / n - mb * mb;
  const cov = box(t.sab) / n - ma * mb;
  return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
}
