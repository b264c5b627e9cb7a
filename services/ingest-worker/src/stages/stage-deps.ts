import type { Queue } from 'bullmq';
import type { DestinationKind } from '@ingestkit/contracts';
import type { ImageRunner, ImagingLimits, PolicyRegistry } from '@ingestkit/imaging';
import type { AssetRegistry } from '@ingestkit/registry';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from '../destinations/destination';
import type { KeptOriginals } from '../originals/kept-originals';
import type { PipelineMetrics } from '../pipeline-metrics';
import type { OutputRetirement } from './retire-previous-output';
import type { SourceFetcher } from '../sources/source-fetcher';

/** What the stage processors need; `register.ts` builds it from config. */
export interface StageDeps {
  registry: AssetRegistry;
  staging: ObjectStore;
  limits: ImagingLimits;
  /** Resolves each asset's optimization policy (built-ins plus `POLICIES_FILE` / `POLICIES_JSON`); default: the built-ins only. */
  policies?: PolicyRegistry;
  /** Where images are decoded and encoded: the isolating pool in production; default: in process. */
  images?: ImageRunner;
  queues: { optimize: Queue; deliver: Queue };
  destinations: Partial<Record<DestinationKind, Destination>>;
  /** End-to-end metrics; absent in tests that do not look at them. */
  metrics?: PipelineMetrics;
  /** Fetches server-side jobs' sources (URL, S3 object) into staging; without it they cannot be validated. */
  sources?: SourceFetcher;
  /** Removes a reprocess's previous outputs once it is ready; without it they are left (and logged). */
  retirement?: OutputRetirement;
  /** Where delivered assets' originals are kept (`ORIGINALS_STORE`); absent when `off`: none is kept. */
  originals?: KeptOriginals;
}
