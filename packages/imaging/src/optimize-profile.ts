/** The steps of `optimizeImage` whose cost {@link OptimizeProfile} records. */
export type OptimizeStep = 'decode' | 'analysis' | 'search' | 'mainEncode' | 'variants' | 'placeholder';

/**
 * CPU milliseconds (user + system, `process.cpuUsage`) spent in each step, added to as the
 * steps run. The clock is the whole process's, so the figures are the image's own only while
 * the process works on one image at a time — an image pool child, or a benchmark loop; with
 * several images in one process they include the others' work.
 */
export type OptimizeProfile = Record<OptimizeStep, number>;

/** An empty profile to pass to `optimizeImage`. */
export function createOptimizeProfile(): OptimizeProfile {
  return { decode: 0, analysis: 0, search: 0, mainEncode: 0, variants: 0, placeholder: 0 };
}

/** Runs `work`, adding its CPU time to `profile[step]` when there is a profile. */
export async function profiled<T>(
  profile: OptimizeProfile | undefined,
  step: OptimizeStep,
  work: () => Promise<T> | T,
): Promise<T> {
  if (!profile) return work();
  const start = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(start);
    profile[step] += (used.user + used.system) / 1000;
  }
}
