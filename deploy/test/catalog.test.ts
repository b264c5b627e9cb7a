// Proves the metrics catalog agrees with the metric definitions in the services' and packages'
// sources: every ingestkit_ family defined in code is catalogued with the same type and labels.
// (Families catalogued before their code lands are checked by scraping the running services.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { metricsCatalog } from '../src';
import { repoRoot } from './artefacts';

interface DefinedMetric {
  file: string;
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry) && !/\.test\.ts$/.test(entry) ? [path] : [];
  });
}

/** `new Counter({ name: 'ingestkit_…', …, labelNames: [...] })` and its Gauge/Histogram siblings. */
function definedMetrics(): DefinedMetric[] {
  const roots = ['packages', 'services'].flatMap((top) =>
    readdirSync(join(repoRoot, top)).map((name) => join(repoRoot, top, name, 'src')),
  );
  return roots
    .filter((root) => statSync(root, { throwIfNoEntry: false })?.isDirectory())
    .flatMap(sourceFiles)
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return text
        .split(/\bnew (?=(?:Counter|Gauge|Histogram)\b)/)
        .slice(1)
        .flatMap((chunk) => {
          const head = /^(Counter|Gauge|Histogram)\b[^(]*\(\{\s*name: '(ingestkit_\w+)'/.exec(chunk);
          if (!head) return [];
          const body = chunk.slice(0, chunk.search(/\n\s{0,6}\}\)/) + 1 || undefined);
          const labels = /labelNames: \[([^\]]*)\]/.exec(body)?.[1] ?? '';
          return [
            {
              file: relative(repoRoot, file),
              name: head[2]!,
              type: head[1]!.toLowerCase() as DefinedMetric['type'],
              labels: [...labels.matchAll(/'([^']+)'/g)].map((match) => match[1]!),
            },
          ];
        });
    });
}

describe('metrics catalog', () => {
  const defined = definedMetrics();

  it('finds the metric definitions in the sources', () => {
    expect(defined.map((metric) => metric.name)).toEqual(
      expect.arrayContaining(['ingestkit_jobs_processed_total', 'ingestkit_queue_jobs', 'ingestkit_purge_budget_remaining']),
    );
  });

  it('lists every ingestkit_ family defined in code, with its type and labels (plus service)', () => {
    for (const metric of defined) {
      const entry = metricsCatalog.find((candidate) => candidate.name === metric.name);
      expect({
        metric: metric.name,
        file: metric.file,
        type: entry?.type,
        labels: entry ? [...entry.labels].sort() : undefined,
      }).toEqual({
        metric: metric.name,
        file: metric.file,
        type: metric.type,
        labels: ['service', ...metric.labels].sort(),
      });
    }
  });

  it('has unique names, base units and bounded label sets', () => {
    const names = metricsCatalog.map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of metricsCatalog.filter((candidate) => candidate.origin === 'ingestkit')) {
      expect(metric.name).toMatch(/^ingestkit_[a-z_]+$/);
      if (metric.type === 'counter') expect(metric.name).toMatch(/_total$/);
      else expect(metric.name).not.toMatch(/_total$/);
      expect(metric.labels).toContain('service');
      for (const label of metric.labels) expect(label).not.toMatch(/(^|_)(id|url|name|key|path)$/);
      for (const label of Object.keys(metric.labelValues ?? {})) expect(metric.labels).toContain(label);
    }
  });
});
