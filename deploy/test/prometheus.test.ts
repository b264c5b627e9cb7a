// Proves the Prometheus rules and scrape configs are valid for promtool, that every alert has
// firing and silent unit tests and a runbook section, and that the rules only read metrics the
// services export.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  deployDir,
  impossibleMatchers,
  kebabCase,
  loadRules,
  readText,
  readYaml,
  requireTool,
  run,
  unknownMetricNames,
} from './artefacts';

const prometheusDir = join(deployDir, 'prometheus');
const testFiles = readdirSync(join(prometheusDir, 'rules', 'tests'))
  .filter((file) => file.endsWith('.yml'))
  .map((file) => join('rules', 'tests', file));

describe('Prometheus rules and scrape configs', () => {
  const { recording, alerting, recorded } = loadRules();

  it('pass promtool check config (compose), check rules and every rules unit test', () => {
    const promtool = requireTool('promtool', 'apt-get install prometheus');
    const config = run(promtool, ['check', 'config', 'prometheus.yml'], { cwd: prometheusDir });
    expect({ status: config.status, output: config.output }).toMatchObject({ status: 0 });
    const rules = run(promtool, ['check', 'rules', 'rules/recording.yml', 'rules/alerts.yml'], { cwd: prometheusDir });
    expect({ status: rules.status, output: rules.output }).toMatchObject({ status: 0 });
    expect(testFiles.length).toBeGreaterThan(0);
    const tests = run(promtool, ['test', 'rules', ...testFiles], { cwd: prometheusDir });
    expect({ status: tests.status, output: tests.output }).toMatchObject({ status: 0 });
    expect(tests.output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('read only metrics the services export, or recording rules', () => {
    const exprs = [...recording, ...alerting].map((rule) => rule.expr);
    expect(unknownMetricNames(exprs, recorded)).toEqual([]);
    expect(impossibleMatchers(exprs)).toEqual([]);
  });

  it('give every alert a severity, a summary and a runbook link to an existing section', () => {
    const runbook = readText('docs/runbook.md');
    expect(alerting.length).toBeGreaterThanOrEqual(10);
    for (const rule of alerting) {
      const anchor = kebabCase(rule.alert!);
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect(rule.annotations?.summary).toEqual(expect.any(String));
      expect(rule.annotations?.runbook_url).toBe(`docs/runbook.md#${anchor}`);
      expect({ alert: rule.alert, hasSection: runbook.includes(`<a id="${anchor}"></a>`) }).toEqual({
        alert: rule.alert,
        hasSection: true,
      });
    }
  });

  it('test every alert both firing and not firing', () => {
    const cases = testFiles.flatMap((file) =>
      (readYaml(join('deploy', 'prometheus', file)).tests as any[]).flatMap((test) => test.alert_rule_test ?? []),
    );
    for (const rule of alerting) {
      const own = cases.filter((entry) => entry.alertname === rule.alert);
      expect({ alert: rule.alert, fires: own.some((entry) => (entry.exp_alerts ?? []).length > 0) }).toEqual({
        alert: rule.alert,
        fires: true,
      });
      expect({ alert: rule.alert, silent: own.some((entry) => (entry.exp_alerts ?? []).length === 0) }).toEqual({
        alert: rule.alert,
        silent: true,
      });
    }
  });

  it('load the same rules in the Kubernetes config, with pods discovered by annotation and named like compose jobs', () => {
    const compose = readYaml('deploy/prometheus/prometheus.yml');
    const k8s = readYaml('deploy/prometheus/prometheus-k8s.yml');
    expect(k8s.rule_files).toEqual(compose.rule_files);
    const [job] = k8s.scrape_configs;
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    const relabels = job.relabel_configs as any[];
    expect(relabels).toContainEqual(
      expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep' }),
    );
    expect(relabels).toContainEqual({
      source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
      target_label: 'job',
    });
    const composeJobs = (compose.scrape_configs as any[]).map((config) => config.job_name);
    expect(composeJobs).toEqual(expect.arrayContaining(['upload-gateway', 'ingest-worker', 'webhook-receiver', 'purge-service']));
  });
});
