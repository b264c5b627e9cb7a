/** The outcome of one file of a run. */
export interface FileOutcome {
  path: string;
  assetId?: string;
  /** `accepted` without `--wait`; `failed` also for uploads the gateway never accepted. */
  outcome: 'accepted' | 'ready' | 'rejected' | 'failed' | 'not_an_image';
  code?: string;
  /** Accepted by an earlier (interrupted) run, not uploaded again. */
  resumed?: boolean;
}

/** Counts of a run, with rejections and failures by code. */
export interface RunSummary {
  files: number;
  accepted: number;
  resumed: number;
  ready: number;
  notImages: number;
  rejected: Record<string, number>;
  failed: Record<string, number>;
}

/** Counts the outcomes of a run. */
export function summarize(outcomes: readonly FileOutcome[]): RunSummary {
  const summary: RunSummary = {
    files: outcomes.length,
    accepted: 0,
    resumed: 0,
    ready: 0,
    notImages: 0,
    rejected: {},
    failed: {},
  };
  for (const o of outcomes) {
    if (o.resumed) summary.resumed += 1;
    if (o.outcome === 'not_an_image') summary.notImages += 1;
    else if (o.outcome === 'rejected') summary.rejected[o.code ?? 'unknown'] = (summary.rejected[o.code ?? 'unknown'] ?? 0) + 1;
    else if (o.outcome === 'failed') summary.failed[o.code ?? 'unknown'] = (summary.failed[o.code ?? 'unknown'] ?? 0) + 1;
    if (o.assetId) summary.accepted += 1;
    if (o.outcome === 'ready') summary.ready += 1;
  }
  return summary;
}

/** Whether the run should exit non-zero: anything rejected or failed. */
export function hasFailures(summary: RunSummary): boolean {
  return Object.keys(summary.rejected).length + Object.keys(summary.failed).length > 0;
}

/** The summary as an aligned text table. */
export function formatSummary(summary: RunSummary): string {
  const rows: Array<[string, string]> = [
    ['files', String(summary.files)],
    ['accepted', `${summary.accepted}${summary.resumed ? ` (${summary.resumed} by an earlier run)` : ''}`],
    ['ready', String(summary.ready)],
    ['not images (skipped)', String(summary.notImages)],
    ...Object.entries(summary.rejected).map(([code, n]): [string, string] => [`rejected: ${code}`, String(n)]),
    ...Object.entries(summary.failed).map(([code, n]): [string, string] => [`failed: ${code}`, String(n)]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value.padStart(6)}`).join('\n')}\n`;
}
