import type { Asset } from '@ingestkit/contracts';
import { IngestkitError } from './errors';

/** What an `<img>` (or a React `<Image>`) needs, from a `ready` asset. */
export interface ResponsiveImage {
  src: string;
  /** `<url> <width>w` for each variant and the output itself, narrowest first. */
  srcset: string;
  sizes: string;
  width: number;
  height: number;
  /** A tiny blurred `data:` URI to show while loading, when the policy made one. */
  placeholder?: string;
  /** `#rrggbb`, for a background while loading. */
  dominantColor?: string;
}

/**
 * The `src`, `srcset`, `sizes`, intrinsic size and placeholder of a delivered asset, from its
 * output and responsive variants (320, 480, 960, 1440 px and their doubles under the delivery
 * policy). `sizes` is the CSS `sizes` attribute for the layout (default `100vw`). Throws
 * `not_found` when the asset has no delivered URL yet.
 */
export function responsiveImage(asset: Pick<Asset, 'id' | 'output'>, options: { sizes?: string } = {}): ResponsiveImage {
  const output = asset.output;
  if (!output?.url)
    throw new IngestkitError({ code: 'not_found', message: `asset ${asset.id} has no delivered URL (not ready?)` });
  const candidates = new Map<number, string>();
  for (const variant of output.variants ?? []) if (variant.url) candidates.set(variant.width, variant.url);
  candidates.set(output.width, output.url);
  const srcset = [...candidates.entries()]
    .sort(([a], [b]) => a - b)
    .map(([width, url]) => `${url} ${width}w`)
    .join(', ');
  return {
    src: output.url,
    srcset,
    sizes: options.sizes ?? '100vw',
    width: output.width,
    height: output.height,
    ...(output.placeholder ? { placeholder: output.placeholder } : {}),
    ...(output.dominantColor ? { dominantColor: output.dominantColor } : {}),
  };
}
