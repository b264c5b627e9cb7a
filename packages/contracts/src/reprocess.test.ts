import {
  isReprocessing,
  REPROCESS_PRIORITY,
  reprocessRunIdFrom,
  ReprocessRequest,
  ReprocessRunId,
  ReprocessRunRequest,
  stageJobOptions,
} from './reprocess';

describe('reprocess contracts', () => {
  it('takes a policy and the upload overrides, nothing else', () => {
    expect(ReprocessRequest.parse({})).toEqual({});
    expect(ReprocessRequest.parse({ policy: 'mobile', quality: 'auto', maxWidth: 800 })).toEqual({
      policy: 'mobile',
      quality: 'auto',
      maxWidth: 800,
    });
    expect(ReprocessRequest.safeParse({ policy: 'Bad Name' }).success).toBe(false);
    expect(ReprocessRequest.safeParse({ quality: 0 }).success).toBe(false);
    expect(ReprocessRequest.safeParse({ folder: 'x' }).success).toBe(false);
  });

  it('needs a target policy for a run and takes the listing filters without paging', () => {
    expect(ReprocessRunRequest.parse({ policy: 'mobile' })).toEqual({ policy: 'mobile', filter: {} });
    expect(
      ReprocessRunRequest.parse({
        policy: 'mobile',
        filter: { folder: '/a/b/', tag: 't', createdBefore: '2026-01-01T00:00:00Z' },
      }),
    ).toMatchObject({ filter: { folder: 'a/b', tag: 't' } });
    expect(ReprocessRunRequest.safeParse({ filter: {} }).success).toBe(false);
    expect(ReprocessRunRequest.safeParse({ policy: 'mobile', filter: { cursor: 'abc' } }).success).toBe(false);
    expect(ReprocessRunRequest.safeParse({ policy: 'mobile', filter: { status: 'gone' } }).success).toBe(false);
  });

  it('names a retried run after its seed', () => {
    expect(reprocessRunIdFrom('key\nseed')).toBe(reprocessRunIdFrom('key\nseed'));
    expect(reprocessRunIdFrom('key\nseed')).not.toBe(reprocessRunIdFrom('key\nother'));
    expect(ReprocessRunId.safeParse(reprocessRunIdFrom('x')).success).toBe(true);
  });

  it('keeps the reprocess priority on every stage job until the reprocess completes', () => {
    const reprocessing = { previousOutputs: [], requestedAt: '2026-01-01T00:00:00.000Z' };
    expect(stageJobOptions({})).toEqual({});
    expect(stageJobOptions({ reprocessing })).toEqual({ priority: REPROCESS_PRIORITY });
    expect(isReprocessing({ reprocessing: { ...reprocessing, completedAt: '2026-01-01T00:01:00.000Z' } })).toBe(false);
    expect(stageJobOptions({ reprocessing: { ...reprocessing, completedAt: '2026-01-01T00:01:00.000Z' } })).toEqual({});
  });
});
