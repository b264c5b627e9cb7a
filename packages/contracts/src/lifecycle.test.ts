import { AssetStatus, terminalStatuses } from './asset';
import { allowedTransitions, isAllowedTransition, lifecycle, pipelineStages, resumeStage } from './lifecycle';

describe('lifecycle', () => {
  it('is the pipeline: awaiting_upload → queued → validating → optimizing → delivering → ready', () => {
    const path: AssetStatus[] = ['awaiting_upload', 'queued', 'validating', 'optimizing', 'delivering', 'ready'];
    for (let i = 1; i < path.length; i++)
      expect([path[i - 1], isAllowedTransition(path[i - 1]!, path[i]!)]).toEqual([path[i - 1], true]);
  });

  it('leaves ready only to be reprocessed (or to record the reprocess completed) or deleted, rejected only by a delete, and failed only by a retry, a revival, a reprocess or a delete', () => {
    expect([...allowedTransitions.ready].sort()).toEqual(['deleted', 'queued', 'ready']);
    expect(allowedTransitions.rejected).toEqual(['deleted']);
    expect([...allowedTransitions.failed].sort()).toEqual(['deleted', 'optimizing', 'queued', 'validating']);
    expect(terminalStatuses).toEqual(expect.arrayContaining(['ready', 'rejected', 'failed', 'deleted']));
  });

  it('deletes from every status, and nothing leaves deleted (no job can resurrect an asset)', () => {
    for (const status of AssetStatus.options) {
      expect([status, isAllowedTransition(status, 'deleted')]).toEqual([status, status !== 'deleted']);
    }
    expect(allowedTransitions.deleted).toEqual([]);
    for (const stage of pipelineStages) expect(lifecycle.enter(stage).from).not.toContain('deleted');
    expect(lifecycle.reprocess.from).not.toContain('deleted');
  });

  it('lets every stage repeat its own status (BullMQ runs a job at least once)', () => {
    for (const stage of pipelineStages) {
      const move = lifecycle.enter(stage);
      expect(move.from).toContain(move.to);
    }
  });

  it('retries a stage from the status before it and resumes it with its own job', () => {
    expect(lifecycle.retry('optimize')).toEqual({ from: ['failed'], to: 'validating' });
    expect(lifecycle.retry('upload')).toEqual({ from: ['failed'], to: 'queued' });
    expect(resumeStage.upload).toBe('validate');
    expect(resumeStage.deliver).toBe('deliver');
  });

  it('has a row for every status and only statuses in its rows', () => {
    expect(Object.keys(allowedTransitions).sort()).toEqual([...AssetStatus.options].sort());
    for (const targets of Object.values(allowedTransitions)) {
      for (const target of targets) expect(AssetStatus.options).toContain(target);
    }
  });
});
