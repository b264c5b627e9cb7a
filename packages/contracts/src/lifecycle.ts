import { AssetStatus, stageStatuses, type Stage } from './asset';

/** One status change: the statuses the asset may be in for it to happen, and the one it moves to. */
export interface LifecycleMove {
  readonly from: readonly AssetStatus[];
  readonly to: AssetStatus;
}

/** The stages that run as ingest jobs, in pipeline order. */
export const pipelineStages = ['validate', 'optimize', 'deliver'] as const satisfies readonly Stage[];
export type PipelineStage = (typeof pipelineStages)[number];

/**
 * Every status change ingestkit makes, as data: the gateway, the worker, the janitor and the
 * retry route take their moves from here instead of spelling statuses out, and
 * {@link allowedTransitions} (derived from these moves) is the whole state machine.
 */
export const lifecycle = {
  /** A direct upload arrived and passed its checks: it waits for validation. */
  uploadArrived: { from: ['awaiting_upload'], to: 'queued' },
  /** A direct upload was refused (too large, not an image, abandoned or expired): nothing to keep. */
  uploadRefused: { from: ['awaiting_upload'], to: 'rejected' },
  /** Accepted, but its validation job was never added (the gateway died or the queue refused). */
  stranded: { from: ['queued'], to: 'failed' },
  /** A stranded asset's client retried (or the janitor failed it first): queue it again. */
  revived: { from: ['failed'], to: 'queued' },
  /**
   * `POST /v1/assets/:id/reprocess` (or a bulk run): a ready or failed asset whose original was
   * kept is validated, optimized and delivered again from it.
   */
  reprocess: { from: ['ready', 'failed'], to: 'queued' },
  /** A reprocess's previous outputs were removed once it was ready: it is recorded completed. */
  reprocessed: { from: ['ready'], to: 'ready' },
  /** The last stage succeeded. */
  delivered: { from: ['delivering'], to: 'ready' },
  /**
   * Deleted (`DELETE /v1/assets/:id`, or ImageKit reported the file deleted): from any status
   * but `deleted` itself, and no move leaves `deleted`, so a job still running for the asset
   * finds its next move refused and can never bring it back.
   */
  deleted: { from: AssetStatus.options.filter((status) => status !== 'deleted'), to: 'deleted' },
  /** A stage's job starts: from the status before it, or its own on a repeated attempt. */
  enter(stage: PipelineStage): LifecycleMove {
    const { before, during } = stageStatuses[stage];
    return { from: [before, during], to: during };
  },
  /**
   * A stage's job will not run again: `rejected` when the input can never succeed, else
   * `failed`. Only while the asset still waits on that stage (a job lost after its work was done
   * must not fail an asset that moved on).
   */
  finalFailure(stage: Stage, retryable: boolean): LifecycleMove {
    const { before, during } = stageStatuses[stage];
    return { from: [before, during], to: retryable ? 'failed' : 'rejected' };
  },
  /** `POST /v1/assets/:id/retry`: a failed asset goes back to the status before the stage that failed. */
  retry(stage: Stage): LifecycleMove {
    return { from: ['failed'], to: stageStatuses[stage].before };
  },
} as const;

/** Where a stage resumes: the stage whose job a retry adds (an upload's next step is validate). */
export const resumeStage: Readonly<Record<Stage, PipelineStage>> = {
  upload: 'validate',
  validate: 'validate',
  optimize: 'optimize',
  deliver: 'deliver',
};

function everyMove(): LifecycleMove[] {
  const stages: Stage[] = ['upload', ...pipelineStages];
  return [
    lifecycle.uploadArrived,
    lifecycle.uploadRefused,
    lifecycle.stranded,
    lifecycle.revived,
    lifecycle.delivered,
    lifecycle.deleted,
    lifecycle.reprocess,
    lifecycle.reprocessed,
    ...pipelineStages.map((stage) => lifecycle.enter(stage)),
    ...stages.flatMap((stage) => [lifecycle.finalFailure(stage, true), lifecycle.finalFailure(stage, false)]),
    ...stages.map((stage) => lifecycle.retry(stage)),
  ];
}

/** The state machine: for each status, the statuses a move can take it to (itself included where a stage repeats). */
export const allowedTransitions: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = (() => {
  const table: Record<string, Set<AssetStatus>> = {};
  for (const move of everyMove()) {
    for (const from of move.from) (table[from] ??= new Set()).add(move.to);
  }
  return Object.fromEntries(AssetStatus.options.map((status) => [status, [...(table[status] ?? [])]])) as Record<
    AssetStatus,
    AssetStatus[]
  >;
})();

/** Whether the lifecycle has a move from `from` to `to`. */
export function isAllowedTransition(from: AssetStatus, to: AssetStatus): boolean {
  return allowedTransitions[from].includes(to);
}
