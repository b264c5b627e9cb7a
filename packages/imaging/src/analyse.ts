import type { Pixels } from './pixels';

/** What the pixels are, for choosing an encoding. */
export interface PixelAnalysis {
  /** 256 distinct colours or fewer (alpha included): a palette holds it exactly, so it stays lossless. */
  isGraphic: boolean;
  /** Distinct colours, counted up to 257. */
  colours: number;
  /** No pixel is transparent: the alpha channel, if any, can be dropped. */
  isOpaque: boolean;
  /** The most common colour as `#rrggbb`: the mean of the fullest cell of a 16×16×16 histogram. */
  dominantColor: string;
}

const PALETTE_SIZE = 256;

/**
 * One pass over the rendered pixels. Counting stops at 257 colours, so a photo costs a few
 * hundred pixels of that loop; the histogram and alpha checks read every pixel (≈ 15 ms for
 * 3 MP). Fully transparent pixels do not vote for the dominant colour.
 */
export function analysePixels(pixels: Pixels): PixelAnalysis {
  const { data, channels } = pixels;
  const colours = new Set<number>();
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  let isOpaque = true;
  let previous = Number.NaN;
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const a = channels === 4 ? data[i + 3]! : 255;
    if (a !== 255) isOpaque = false;
    if (colours.size <= PALETTE_SIZE) {
      const key = (r << 24) + (g << 16) + (b << 8) + a;
      if (key !== previous) {
        colours.add(key);
        previous = key;
      }
    }
    if (a === 0) continue;
    const cell = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    count[cell] = count[cell]! + 1;
    sums[cell * 3] = sums[cell * 3]! + r;
    sums[cell * 3 + 1] = sums[cell * 3 + 1]! + g;
    sums[cell * 3 + 2] = sums[cell * 3 + 2]! + b;
  }
  let best = 0;
  for (let cell = 1; cell < count.length; cell++) if (count[cell]! > count[best]!) best = cell;
  const n = Math.max(1, count[best]!);
  const hex = (value: number) =>
    Math.round(value / n)
      .toString(16)
      .padStart(2, '0');
  return {
    isGraphic: colours.size <= PALETTE_SIZE,
    colours: colours.size,
    isOpaque,
    dominantColor: `#${hex(sums[best * 3]!)}${hex(sums[best * 3 + 1]!)}${hex(sums[best * 3 + 2]!)}`,
  };
}
