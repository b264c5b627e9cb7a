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
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`ssim needs equal sizes, got ${a.width}×${a.height} and ${b.width}×${b.height}`);
  }
  const { width, height } = a;
  if (a.data.length < width * height || b.data.length < width * height) throw new RangeError('ssim: pixel data too short');
  const tables = summedAreaTables(a.data, b.data, width, height);
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
}

interface Tables {
  sa: Float64Array;
  sb: Float64Array;
  saa: Float64Array;
  sbb: Float64Array;
  sab: Float64Array;
}

/** Inclusive prefix sums of a, b, a², b² and ab, with a zero row and column in front. */
function summedAreaTables(a: Uint8Array, b: Uint8Array, width: number, height: number): Tables {
  const size = (width + 1) * (height + 1);
  const t: Tables = {
    sa: new Float64Array(size),
    sb: new Float64Array(size),
    saa: new Float64Array(size),
    sbb: new Float64Array(size),
    sab: new Float64Array(size),
  };
  const stride = width + 1;
  for (let y = 0; y < height; y++) {
    let ra = 0;
    let rb = 0;
    let raa = 0;
    let rbb = 0;
    let rab = 0;
    const row = (y + 1) * stride;
    const above = y * stride;
    for (let x = 0; x < width; x++) {
      const pa = a[y * width + x]!;
      const pb = b[y * width + x]!;
      ra += pa;
      rb += pb;
      raa += pa * pa;
      rbb += pb * pb;
      rab += pa * pb;
      const i = row + x + 1;
      const j = above + x + 1;
      t.sa[i] = t.sa[j]! + ra;
      t.sb[i] = t.sb[j]! + rb;
      t.saa[i] = t.saa[j]! + raa;
      t.sbb[i] = t.sbb[j]! + rbb;
      t.sab[i] = t.sab[j]! + rab;
    }
  }
  return t;
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
