// Proves both scrape configs give the services the job names the rules and the dashboard select
// (`up{job=~"…"}`): compose by its job_name, Kubernetes by running its relabelling over the pods
// that kubectl kustomize renders (base and the example overlay), as Prometheus would.
import { selectorsIn } from '../src';
import { loadRules, parseYamlStream, readText, readYaml, requireTool, run } from './artefacts';

interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: 'replace' | 'keep' | 'drop';
}

/** Job names selected by `job="…"` / `job=~"a|b"` in the rules and the dashboard. */
function expectedJobs(): string[] {
  const { recording, alerting } = loadRules();
  const dashboard = readText('deploy/grafana/dashboards/ingestkit.json');
  const exprs = [
    ...[...recording, ...alerting].map((rule) => rule.expr),
    ...[...dashboard.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map(([, expr]) => JSON.parse(`"${expr}"`) as string),
  ];
  const jobs = new Set<string>();
  for (const { matchers } of exprs.flatMap(selectorsIn)) {
    for (const { label, op, value } of matchers) {
      if (label !== 'job') continue;
      for (const job of op === '=~' ? value.split('|') : op === '=' ? [value] : []) jobs.add(job);
    }
  }
  return [...jobs].sort();
}

/** Prometheus' relabelling (replace, keep, drop), enough for prometheus-k8s.yml; undefined when the target is dropped. */
function relabel(labels: Record<string, string>, configs: readonly RelabelConfig[]): Record<string, string> | undefined {
  const result = { ...labels };
  for (const config of configs) {
    const value = (config.source_labels ?? []).map((name) => result[name] ?? '').join(config.separator ?? ';');
    const match = new RegExp(`^(?:${config.regex ?? '(.*)'})$`).exec(value);
    const action = config.action ?? 'replace';
    if (action === 'keep' && !match) return undefined;
    if (action === 'drop' && match) return undefined;
    if (action === 'replace' && match && config.target_label) {
      const replaced = (config.replacement ?? '$1').replace(/\$(\d+)/g, (_, index: string) => match[Number(index)] ?? '');
      if (replaced === '') delete result[config.target_label];
      else result[config.target_label] = replaced;
    }
  }
  return result;
}

/** The discovery labels Kubernetes pod discovery gives each declared container port of a running pod. */
function podTargets(deployment: any): Record<string, string>[] {
  const { metadata, spec } = deployment.spec.template;
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: deployment.metadata.namespace ?? 'default',
    __meta_kubernetes_pod_name: `${deployment.metadata.name}-0`,
    __meta_kubernetes_pod_phase: 'Running',
  };
  const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');
  for (const [name, value] of Object.entries<string>(metadata.labels ?? {}))
    meta[`__meta_kubernetes_pod_label_${sanitize(name)}`] = value;
  for (const [name, value] of Object.entries<string>(metadata.annotations ?? {})) {
    meta[`__meta_kubernetes_pod_annotation_${sanitize(name)}`] = value;
  }
  return spec.containers.flatMap((container: any) =>
    (container.ports ?? []).map((port: any) => ({ ...meta, __address__: `10.0.0.1:${port.containerPort}` })),
  );
}

const jobs = expectedJobs();

it('the rules and the dashboard select the four services by job', () => {
  expect(jobs).toEqual(['ingest-worker', 'purge-service', 'upload-gateway', 'webhook-receiver']);
});

it('compose scrapes each of them under that job name', () => {
  const names = (readYaml('deploy/prometheus/prometheus.yml').scrape_configs as any[]).map((config) => config.job_name);
  expect(names).toEqual(expect.arrayContaining(jobs));
});

it.each(['deploy/k8s/base', 'deploy/k8s/overlays/example'])(
  'Kubernetes relabels the pods of %s to exactly those job names, one metrics target each',
  (dir) => {
    const kubectl = requireTool('kubectl', 'apt-get install kubernetes-client');
    const rendered = run(kubectl, ['kustomize', dir]);
    expect({ status: rendered.status, output: rendered.status === 0 ? '' : rendered.output }).toEqual({ status: 0, output: '' });
    const deployments = parseYamlStream(rendered.stdout).filter((object) => object?.kind === 'Deployment');
    const [config] = readYaml('deploy/prometheus/prometheus-k8s.yml').scrape_configs;
    const targets = deployments
      .flatMap(podTargets)
      .map((labels) => relabel({ ...labels, job: config.job_name }, config.relabel_configs))
      .filter((labels): labels is Record<string, string> => labels !== undefined);
    expect(targets.map((labels) => labels.job).sort()).toEqual(jobs);
  },
);
