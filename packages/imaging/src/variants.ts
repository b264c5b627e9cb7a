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
