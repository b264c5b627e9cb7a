import { parseS3Url, resolveConfig } from './config';
import { formatSummary, hasFailures, summarize } from './summary';

describe('the CLI summary', () => {
  const outcomes = [
    { path: 'a', assetId: 'ast_a', outcome: 'ready' as const },
    { path: 'b', assetId: 'ast_b', outcome: 'ready' as const, resumed: true },
    { path: 'c', assetId: 'ast_c', outcome: 'rejected' as const, code: 'corrupt_image' },
    { path: 'd', outcome: 'failed' as const, code: 'network_error' },
    { path: 'e', outcome: 'not_an_image' as const },
  ];

  it('counts ready, resumed, not images, and rejections and failures by code', () => {
    const summary = summarize(outcomes);
    expect(summary).toEqual({
      files: 5,
      accepted: 3,
      resumed: 1,
      ready: 2,
      notImages: 1,
      rejected: { corrupt_image: 1 },
      failed: { network_error: 1 },
    });
    expect(hasFailures(summary)).toBe(true);
    expect(hasFailures(summarize(outcomes.slice(0, 2)))).toBe(false);
    expect(formatSummary(summary)).toContain('rejected: corrupt_image       1\n');
  });

  it('takes the gateway from flags before the environment, and names what is missing', () => {
    expect(resolveConfig({ url: 'http://a' }, { INGESTKIT_URL: 'http://b', INGESTKIT_API_KEY: 'k' })).toEqual({
      url: 'http://a',
      apiKey: 'k',
    });
    expect(() => resolveConfig({}, {})).toThrow('missing --url or INGESTKIT_URL and --api-key or INGESTKIT_API_KEY');
    expect(parseS3Url('s3://imports/2026/05/')).toEqual({ bucket: 'imports', prefix: '2026/05/' });
    expect(parseS3Url('s3://imports')).toEqual({ bucket: 'imports', prefix: '' });
    expect(() => parseS3Url('imports/2026')).toThrow('expected s3://bucket/prefix');
  });
});
