import type { Readable } from 'node:stream';
import type { Asset, AssetOutput, AssetVariant, DestinationKind } from '@ingestkit/contracts';

export interface DeliverInput {
  asset: Asset;
  /** The optimized file as staged by the optimize stage. */
  output: AssetOutput;
  /** Opens the staged bytes; may be called again on a retry. */
  open(): Promise<Readable>;
  /** The output's responsive variants as staged, each with its own opener; empty for master policies. */
  variants: ReadonlyArray<{ variant: AssetVariant; open(): Promise<Readable> }>;
}

export interface Delivered {
  key: string;
  url: string;
  /**
   * Where each variant went, in the order given. A destination that makes its own variants
   * (ImageKit resizes on request) returns none, and the asset then lists none.
   */
  variants: Array<{ key: string; url: string }>;
  imagekit?: { fileId: string; versionId: string; filePath: string };
}

/**
 * Where ready images go. `deliver` must be idempotent: the key derives from the asset alone,
 * so a redelivery after a crash overwrites the same object instead of creating a second one.
 */
export interface Destination {
  readonly kind: DestinationKind;
  deliver(input: DeliverInput): Promise<Delivered>;
  /**
   * Removes what `deliver` placed (or would place) for the asset: the main output and every
   * variant (on ImageKit the file, which takes its versions with it). Keys derive from the
   * asset as in `deliver`, so it also finds files of a delivery that was never recorded (a
   * worker that crashed between the put and `ready`). Idempotent: what is gone is skipped. See
   * {@link RemoveInput} for what an overwriting asset removes.
   */
  remove(input: RemoveInput): Promise<void>;
}

export interface RemoveInput {
  asset: Asset;
  /**
   * The output as recorded (delivered keys, URLs, ImageKit ids) or as staged (a delivery that
   * was never recorded); absent when the asset never got one. An overwriting asset shares its
   * path with later uploads, so only what provably holds its own bytes is removed: by the
   * content hash (`sha256`, or the `?v=` of its URL) at a store, by its version on ImageKit.
   */
  output?: Omit<AssetOutput, 'variants'> & { variants?: ReadonlyArray<Pick<AssetVariant, 'width' | 'format' | 'url'>> };
}
