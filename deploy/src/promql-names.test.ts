import { literalValues, metricNamesIn, selectorsIn } from './promql-names';

describe('metricNamesIn', () => {
  it('finds metric and recording-rule names, not functions, labels, keywords or variables', () => {
    const expr =
      'histogram_quantile(0.95, sum by (queue, le) (rate(ingestkit_job_duration_seconds_bucket{queue=~"$queue", outcome="completed"}[$__rate_interval])))' +
      ' / ignoring(outcome) group_left sum without (code) (ingestkit:jobs_processed:rate5m offset 5m) > bool 2e3 and on(queue) up == 0';
    expect(metricNamesIn(expr)).toEqual(['ingestkit:jobs_processed:rate5m', 'ingestkit_job_duration_seconds_bucket', 'up']);
  });

  it('ignores label values that look like names', () => {
    expect(metricNamesIn('sum(rate(ingestkit_webhook_deliveries_total{outcome="signature_mismatch"}[5m]))')).toEqual([
      'ingestkit_webhook_deliveries_total',
    ]);
  });
});

describe('selectorsIn and literalValues', () => {
  it('reads the matchers of each selector, and the closed values they name', () => {
    const [first, second] = selectorsIn(
      'sum(rate(ingestkit_jobs_processed_total{outcome=~"failed|rejected", queue=~"$queue"}[5m])) / ingestkit:queue_jobs:max{queue!="cdn.purge"}',
    );
    expect(first).toEqual({
      metric: 'ingestkit_jobs_processed_total',
      matchers: [
        { label: 'outcome', op: '=~', value: 'failed|rejected' },
        { label: 'queue', op: '=~', value: '$queue' },
      ],
    });
    expect(second!.metric).toBe('ingestkit:queue_jobs:max');
    expect(first!.matchers.map(literalValues)).toEqual([['failed', 'rejected'], []]);
    expect(literalValues({ label: 'queue', op: '=~', value: 'ingest\\..*' })).toEqual([]);
  });
});
