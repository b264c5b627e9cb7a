import type { ImagingLimits } from '../limits';
import { optimizeImage, type OptimizedImage } from '../optimize';
import type { OptimizePolicy } from '../policy';
import { inspectImage, probeImage, type ImageInfo } from '../probe';

/**
 * Where decoding and encoding of untrusted images run. The stages call this port, never sharp:
 * `inProcessRunner` runs in the caller's process (tests, tools), `createImagePool` in child
 * processes that a hostile file may crash or exhaust without touching anything else.
 */
export interface ImageRunner {
  /** `probeImage` on a file: validation of an untrusted upload. */
  probe(path: string, limits: ImagingLimits): Promise<ImageInfo>;
  /** `inspectImage` then `optimizeImage` on a file already probed. */
  optimize(path: string, policy: OptimizePolicy, limits: ImagingLimits): Promise<OptimizedImage>;
  close(): Promise<void>;
}

/** Runs every image in this process: no isolation, no overhead. */
export const inProcessRunner: ImageRunner = Object.freeze({
  probe: (path: string, limits: ImagingLimits) => probeImage(path, limits),
  optimize: async (path: string, policy: OptimizePolicy, limits: ImagingLimits) =>
    optimizeImage(path, await inspectImage(path, limits), policy, limits),
  close: async () => undefined,
});
