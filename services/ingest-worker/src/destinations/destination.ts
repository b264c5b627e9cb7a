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
}
