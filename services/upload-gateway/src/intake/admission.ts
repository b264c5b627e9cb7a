import type { z } from 'zod';
import { IngestError, stagingKeys, type AssetOptions, type DestinationKind, type PrincipalRef } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { principalRef, type Principal } from '../http/auth';
import { applyTokenLimits, countTokenUpload } from '../http/token-limits';

export interface AdmissionDeps {
  /** Destinations this deployment delivers to; others are refused with 400. */
  destinations: readonly DestinationKind[];
  maxUploadBytes: number;
  /** Rejects with `dependency_unavailable` when the queue cannot take work. */
  assertQueueAvailable(): Promise<void>;
  /** Rejects with `backlog_full` while the ingest backlog is above its bound. */
  assertBacklogBelowBound(): Promise<void>;
  redis: Redis;
  prefix: string;
}

/** What an admitted upload may do: where its bytes go, how many, and the options it keeps. */
export interface Admitted<O extends AssetOptions> {
  assetId: string;
  /** The staging key the bytes must land at (server-generated). */
  stagingKey: string;
  /** The request's options with the caller's limits applied (a token's folder forced, …). */
  options: O;
  /** The byte cap of this upload: the gateway's, or the token's when smaller. */
  maxBytes: number;
  createdBy: PrincipalRef;
}

/**
 * The one admission step of every way bytes come in (multipart POST, presign, Uppy, resumable
 * uploads): the queue can take the work, the options are valid for this deployment, the
 * caller's limits apply (a token's folder, destination, policy, overwrite claim and byte cap),
 * the declared size fits, and the token's file count allows one more. Nothing is stored before
 * it answers; a flow then receives at most `maxBytes` into `stagingKey`.
 */
export function createAdmission(deps: AdmissionDeps) {
  /** `schema` with `destination` restricted to the destinations this deployment delivers to. */
  function forDeployment<S extends z.ZodType<{ destination?: DestinationKind | undefined }>>(schema: S) {
    return schema.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
      path: ['destination'],
      message: `one of ${deps.destinations.join(', ')}`,
    });
  }

  /** The caller's limits applied to `options` (no file counted): `forbidden` or `payload_too_large`. */
  function limit<O extends AssetOptions>(input: { principal: Principal; options: O; declaredBytes?: number }) {
    const limited = applyTokenLimits(input.principal, input.options, deps.maxUploadBytes);
    if (input.declaredBytes !== undefined && input.declaredBytes > limited.maxBytes) {
      throw new IngestError('payload_too_large', `the file is larger than the upload limit of ${limited.maxBytes} bytes`, {
        details: { maxBytes: limited.maxBytes },
      });
    }
    return limited;
  }

  return {
    forDeployment,
    limit,

    /** Refuses before a byte is read when the work could not be queued (`backlog`: also when the backlog is full). */
    async assertCanQueue(options: { backlog: boolean }): Promise<void> {
      await deps.assertQueueAvailable();
      if (options.backlog) await deps.assertBacklogBelowBound();
    },

    /** The byte cap of `principal`'s uploads (known before any option is read). */
    maxBytesOf(principal: Principal): number {
      return applyTokenLimits(principal, {}, deps.maxUploadBytes).maxBytes;
    },

    /**
     * Admits one upload of `principal` with validated `options` (parse them with a schema from
     * `forDeployment`) under `assetId`; `declaredBytes` when the client announced a size.
     * Throws `forbidden` (token limits, file count) or `payload_too_large`.
     */
    async admit<O extends AssetOptions>(input: {
      principal: Principal;
      options: O;
      assetId: string;
      declaredBytes?: number;
    }): Promise<Admitted<O>> {
      const { options, maxBytes } = limit(input);
      await countTokenUpload(deps, input.principal);
      return {
        assetId: input.assetId,
        stagingKey: stagingKeys.original(input.assetId),
        options,
        maxBytes,
        createdBy: principalRef(input.principal),
      };
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
