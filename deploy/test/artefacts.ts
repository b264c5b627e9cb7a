import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findMetric, literalValues, metricNamesIn, metricsCatalog, selectorsIn } from '../src';

/** The repository root and deploy/ directory, for reading the artefacts under test. */
export const repoRoot = join(__dirname, '..', '..');
export const deployDir = join(repoRoot, 'deploy');

export function readText(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8');
}

export function readYaml<T = any>(relativePath: string): T {
  return parse(readText(relativePath)) as T;
}

/** Every document of a multi-document YAML stream. */
export function parseYamlStream(text: string): any[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((error) => error.message).join('; '));
    return doc.toJS();
  });
}

/**
 * A command the tests need (promtool, docker-compose, kubectl). CI installs each one
 * (.ci/run); a developer machine without it gets a failure that says how to install it,
 * never a silent skip.
 */
export function requireTool(command: string, install: string): string {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${command} is not on PATH; install it with \`${install}\` (.ci/run does this in CI)`);
  }
  return path;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: options.cwd ?? repoRoot, env: options.env ?? process.env });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** alert name → the runbook anchor its runbook_url must point at: IngestkitServiceDown → ingestkit-service-down. */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * Names in PromQL expressions that are neither a family the services export (catalog),
 * a recording rule, nor Prometheus' own `up`.
 */
export function unknownMetricNames(exprs: readonly string[], recorded: ReadonlySet<string>): string[] {
  const unknown = new Set<string>();
  for (const expr of exprs) {
    for (const name of metricNamesIn(expr)) {
      if (name === 'up' || recorded.has(name) || findMetric(name)) continue;
      unknown.add(name);
    }
  }
  return [...unknown].sort();
}

/** Every value any catalogued metric allows for a label with a closed value set. */
const knownValues = new Map<string, Set<string>>();
for (const metric of metricsCatalog) {
  for (const [label, values] of Object.entries(metric.labelValues ?? {})) {
    knownValues.set(label, new Set([...(knownValues.get(label) ?? []), ...values]));
  }
}

/**
 * Matchers that cannot select anything: a label the metric does not have, or a value outside a
 * label's closed set (`outcome="failure"`). Recorded series are checked against every value the
 * label can take in the catalog; `up` and ALERTS are left to Prometheus.
 */
export function impossibleMatchers(exprs: readonly string[]): string[] {
  const problems = new Set<string>();
  for (const expr of exprs) {
    for (const { metric, matchers } of selectorsIn(expr)) {
      const definition = findMetric(metric);
      if (!definition && !metric.includes(':')) continue;
      for (const matcher of matchers) {
        const where = `${metric}{${matcher.label}${matcher.op}"${matcher.value}"}`;
        if (definition) {
          const labels = [...definition.labels, 'job', 'instance', ...(metric.endsWith('_bucket') ? ['le'] : [])];
          if (!labels.includes(matcher.label)) problems.add(`${where}: no label ${matcher.label}`);
        }
        const allowed = definition ? definition.labelValues?.[matcher.label] : [...(knownValues.get(matcher.label) ?? [])];
        if (!allowed || allowed.length === 0) continue;
        for (const value of literalValues(matcher)) {
          if (!allowed.includes(value)) problems.add(`${where}: ${value} is not one of ${allowed.join(', ')}`);
        }
      }
    }
  }
  return [...problems].sort();
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string; labels?: any; annotations?: any }[] }[];
}

export function loadRules() {
  const recording = readYaml<RuleFile>('deploy/prometheus/rules/recording.yml').groups.flatMap((group) => group.rules);
  const alerting = readYaml<RuleFile>('deploy/prometheus/rules/alerts.yml').groups.flatMap((group) => group.rules);
  const recorded = new Set(recording.map((rule) => rule.record!));
  return { recording, alerting, recorded };
}
