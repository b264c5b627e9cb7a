import { resizePixels, type Pixels } from './pixels';

/**
 * The widths of the responsive variants of an output `outputWidth` px wide: the policy's widths
 * and twice each (high-density screens), keeping only those narrower than the output — never
 * enlarged, and a variant as wide as the output would be the output itself. Ascending, unique.
 */
export function variantWidthsFor(policyWidths: readonly number[], outputWidth: number): number[] {
  const widths = new Set<number>();
  for (const width of policyWidths) {
    for (const candidate of [width, width * 2]) if (candidate < outputWidth) widths.add(candidate);
  }
  return [...widths].sort((a, b) => a - b);
}

/**
 * The pixels of each variant width (ascending, as {@link variantWidthsFor} gives them), resized
 * in a chain: widest first, each from the narrowest image already made that is at least twice
 * its width, else from `pixels`. Every step then shrinks by 2× or more, where one more lanczos3
 * pass is not visible, and the small variants stop re-reading the full-size pixels. Heights
 * are rounded from `pixels`' aspect ratio, never from an intermediate's (which is rounded already).
 */
export async function resizeVariants(pixels: Pixels, widths: readonly number[]): Promise<Pixels[]> {
  const made: Pixels[] = [];
  for (const width of [...widths].sort((a, b) => b - a)) {
    const from = made.findLast((candidate) => candidate.width >= 2 * width) ?? pixels;
    const height = Math.max(1, Math.round((width * pixels.height) / pixels.width));
    made.push(await resizePixels(from, width, height));
  }
  return made.reverse();
}
