// Proves the Grafana dashboard is in Grafana's current JSON model (schema version, datasource
// and targets on every panel, unique ids, a layout without overlaps), that it queries only
// metrics the services export or the recording rules define, and that provisioning finds it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { metricsCatalog } from '../src';
import { deployDir, impossibleMatchers, loadRules, readText, readYaml, unknownMetricNames } from './artefacts';

interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

const dashboards = readdirSync(join(deployDir, 'grafana', 'dashboards')).filter((file) => file.endsWith('.json'));
const dashboard = JSON.parse(readText('deploy/grafana/dashboards/ingestkit.json'));
const topLevel: any[] = dashboard.panels;
const nested: any[] = topLevel.flatMap((panel) => (panel.type === 'row' ? (panel.panels ?? []) : []));
const queryPanels = [...topLevel, ...nested].filter((panel) => panel.type !== 'row');

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function overlappingPairs(panels: any[]): string[] {
  const pairs: string[] = [];
  panels.forEach((a, i) =>
    panels.slice(i + 1).forEach((b) => {
      if (overlaps(a.gridPos, b.gridPos)) pairs.push(`${a.title} / ${b.title}`);
    }),
  );
  return pairs;
}

describe('Grafana dashboard', () => {
  it('is the one dashboard, in the current JSON model', () => {
    expect(dashboards).toEqual(['ingestkit.json']);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.id ?? null).toBeNull();
    const datasource = dashboard.templating.list.find((variable: any) => variable.type === 'datasource');
    expect(datasource).toMatchObject({ name: 'datasource', query: 'prometheus' });
  });

  it('gives every panel a Prometheus datasource, targets with expressions and a place on the 24-column grid', () => {
    expect(queryPanels.length).toBeGreaterThan(20);
    for (const panel of queryPanels) {
      const where = `${panel.id} ${panel.title}`;
      expect({ where, datasource: panel.datasource }).toEqual({
        where,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      expect({ where, targets: panel.targets.length > 0 }).toEqual({ where, targets: true });
      for (const target of panel.targets) {
        expect({ where, expr: typeof target.expr === 'string' && target.expr.length > 0, refId: target.refId }).toEqual({
          where,
          expr: true,
          refId: expect.stringMatching(/^[A-Z]$/),
        });
      }
      const { gridPos } = panel;
      expect({ where, fits: gridPos.x >= 0 && gridPos.w > 0 && gridPos.h > 0 && gridPos.x + gridPos.w <= 24 }).toEqual({
        where,
        fits: true,
      });
    }
  });

  it('has unique panel ids and no overlapping panels (top level, and within each collapsed row)', () => {
    const ids = [...topLevel, ...nested].map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(overlappingPairs(topLevel)).toEqual([]);
    for (const row of topLevel.filter((panel) => panel.type === 'row')) {
      expect({ row: row.title, overlaps: overlappingPairs(row.panels ?? []) }).toEqual({ row: row.title, overlaps: [] });
      if (!row.collapsed) expect(row.panels ?? []).toEqual([]);
    }
  });

  it('answers the questions of an SRE on the first screen, with a drill-down row per stage', () => {
    const firstScreen = topLevel.filter((panel) => panel.type !== 'row').map((panel) => panel.title);
    expect(firstScreen).toEqual(
      expect.arrayContaining([
        'Throughput by queue',
        'Upload → ready latency',
        'Backlog (ready jobs)',
        'Oldest job age',
        'Errors by code',
        'Destination health',
        'Purge budget',
      ]),
    );
    const queues = metricsCatalog.find((metric) => metric.name === 'ingestkit_queue_jobs')!.labelValues!.queue!;
    const rows = topLevel.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(expect.arrayContaining(queues.map((queue) => `Stage ${queue}`)));
  });

  it('queries only metrics the services export or the recording rules define', () => {
    const exprs = [
      ...queryPanels.flatMap((panel) => panel.targets.map((target: any) => target.expr as string)),
      // Grafana's label_values(metric, label): only the first argument is a metric.
      ...dashboard.templating.list
        .filter((variable: any) => variable.type === 'query')
        .map((variable: any) => (variable.definition as string).replace(/^label_values\(([^,]+),[^)]*\)$/, '$1')),
      ...dashboard.annotations.list.filter((annotation: any) => annotation.expr).map((annotation: any) => annotation.expr),
    ];
    const { recorded } = loadRules();
    // ALERTS is Prometheus' own series of firing alerts.
    expect(unknownMetricNames(exprs, new Set([...recorded, 'ALERTS']))).toEqual([]);
    expect(impossibleMatchers(exprs)).toEqual([]);
  });

  it('is provisioned with the datasource uid it selects by default', () => {
    const datasources = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml');
    const providers = readYaml('deploy/grafana/provisioning/dashboards/ingestkit.yml');
    const current = dashboard.templating.list.find((variable: any) => variable.type === 'datasource').current.value;
    expect(datasources.datasources).toContainEqual(expect.objectContaining({ type: 'prometheus', uid: current }));
    expect(providers.providers).toContainEqual(
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards/ingestkit' }),
      }),
    );
  });
});
