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
/** The dominant colour is voted by at most about this many pixels, on an even grid. */
const HISTOGRAM_PIXELS = 65_536;

/**
 * Three passes over the rendered pixels, each as short as its answer allows:
 * - colours: every pixel, but it stops at the 257th distinct colour, so a photo costs a few
 *   hundred pixels; a graphic is counted exactly;
 * - opacity: only for RGBA, every pixel until the first non-opaque one (one transparent
 *   pixel forbids dropping the alpha channel, so this cannot be sampled);
 * - dominant colour: a histogram of an even grid of about {@link HISTOGRAM_PIXELS} pixels —
 *   an estimate either way, and the full-image vote cost ≈ 15 ms on 2.25 MP against < 1 ms.
 *   Fully transparent pixels do not vote.
 */
export function analysePixels(pixels: Pixels): PixelAnalysis {
  const colours = countColours(pixels);
  return {
    isGraphic: colours <= PALETTE_SIZE,
    colours,
    isOpaque: isOpaque(pixels),
    dominantColor: dominantColour(pixels),
  };
}

function countColours({ data, channels }: Pixels): number {
  const colours = new Set<number>();
  let previous = Number.NaN;
  for (let i = 0; i < data.length && colours.size <= PALETTE_SIZE; i += channels) {
    const a = channels === 4 ? data[i + 3]! : 255;
    const key = (data[i]! << 24) + (data[i + 1]! << 16) + (data[i + 2]! << 8) + a;
    if (key !== previous) {
      colours.add(key);
      previous = key;
    }
  }
  return colours.size;
}

function isOpaque({ data, channels }: Pixels): boolean {
  if (channels === 3) return true;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

function dominantColour({ data, width, height, channels }: Pixels): string {
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / HISTOGRAM_PIXELS)));
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  for (let y = 0; y < height; y += step) {
    for (let x = 0, i = y * width * channels; x < width; x += step, i += step * channels) {
      if (channels === 4 && data[i + 3] === 0) continue;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      const cell = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
      count[cell] = count[cell]! + 1;
      sums[cell * 3] = sums[cell * 3]! + r;
      sums[cell * 3 + 1] = sums[cell * 3 + 1]! + g;
      sums[cell * 3 + 2] = sums[cell * 3 + 2]! + b;
    }
  }
  let best = 0;
  for (let cell = 1; cell < count.length; cell++) if (count[cell]! > count[best]!) best = cell;
  const n = Math.max(1, count[best]!);
  const hex = (value: number) =>
    Math.round(value / n)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(sums[best * 3]!)}${hex(sums[best * 3 + 1]!)}${hex(sums[best * 3 + 2]!)}`;
}
