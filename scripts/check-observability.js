#!/usr/bin/env node
// Checks a running ingestkit through the Prometheus that scrapes it: every query of the Grafana
// dashboard (deploy/grafana/dashboards/ingestkit.json) is valid and returns series, and no alert
// is pending or firing. Run it against a deployment (compose, Kubernetes) after some traffic;
// the live observability test (e2e/test/observability.int.test.ts) runs the same functions.
//
//   node scripts/check-observability.js [--prometheus http://127.0.0.1:9090] [--rate-interval 1m]
//
// Exits 0 when every query returns series (queries listed in `dataDependent` may be empty, with
// the reason printed) and no alert is pending or firing; 1 otherwise, listing what is wrong.
'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const DASHBOARD = join(__dirname, '..', 'deploy', 'grafana', 'dashboards', 'ingestkit.json');

/**
 * Queries that are empty on a healthy system until something specific happens, keyed
 * `<panel title> / <refId>`, with the reason. Everything else must return series.
 */
const dataDependent = {
  'Errors by code / A': 'empty until a job fails for good or is rejected (each stage row shows 0 meanwhile)',
  'Retries and rate-limit pauses / A': 'empty until a job attempt is retried or paused by a 429',
  'Job outcome ratio / A': 'empty until a job fails for good or is rejected',
  'Upload rejections by code / A': 'empty until the gateway refuses an upload',
  'import.list: attempt duration / A': 'empty until a bucket import lists a page',
  'ingest.erase: attempt duration / A': 'empty until an asset is deleted',
  'imagekit.sync: attempt duration / A': 'empty until an ImageKit asset is edited (PATCH /v1/assets/:id)',
};

/** Every target of every panel (rows' panels included), Grafana variables replaced by "all". */
function dashboardQueries(options = {}) {
  const rateInterval = options.rateInterval ?? '1m';
  const dashboard = JSON.parse(readFileSync(options.dashboardPath ?? DASHBOARD, 'utf8'));
  const panels = dashboard.panels.flatMap((panel) => (panel.type === 'row' ? (panel.panels ?? []) : [panel]));
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      key: `${panel.title} / ${target.refId}`,
      panel: panel.title,
      refId: target.refId,
      expr: target.expr.replaceAll('$__rate_interval', rateInterval).replace(/\$\{?(queue|destination)\}?/g, '.*'),
    })),
  );
}

async function apiGet(prometheusUrl, path, params = {}) {
  const url = new URL(path, prometheusUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${path}: ${body.errorType ?? response.status}: ${body.error ?? ''}`);
  return body.data;
}

/** Runs one instant query; resolves with its series (`[{ metric, value }]`). */
function query(prometheusUrl, expr) {
  return apiGet(prometheusUrl, '/api/v1/query', { query: expr }).then((data) => data.result);
}

/** Runs every dashboard query: `{ key, expr, series, error? }` each, in dashboard order. */
async function checkDashboard(prometheusUrl, options = {}) {
  const results = [];
  for (const entry of dashboardQueries(options)) {
    try {
      results.push({ ...entry, series: (await query(prometheusUrl, entry.expr)).length });
    } catch (err) {
      results.push({ ...entry, series: 0, error: err.message });
    }
  }
  return results;
}

/** Alerts pending or firing now: `{ name, state, labels }` each. */
async function activeAlerts(prometheusUrl) {
  const { alerts } = await apiGet(prometheusUrl, '/api/v1/alerts');
  return alerts.map((alert) => ({ name: alert.labels.alertname, state: alert.state, labels: alert.labels }));
}

async function main(argv) {
  const option = (name, fallback) => {
    const index = argv.indexOf(name);
    return index >= 0 && argv[index + 1] ? argv[index + 1] : fallback;
  };
  const prometheusUrl = option('--prometheus', 'http://127.0.0.1:9090');
  // One clear line when Prometheus itself does not answer, rather than every query failing.
  await apiGet(prometheusUrl, '/api/v1/status/buildinfo').catch((err) => {
    throw new Error(`Prometheus at ${prometheusUrl} does not answer: ${err.cause?.message ?? err.message}`);
  });
  const results = await checkDashboard(prometheusUrl, { rateInterval: option('--rate-interval', '1m') });
  let problems = 0;
  for (const result of results) {
    const reason = dataDependent[result.key];
    if (result.error) {
      problems += 1;
      process.stdout.write(`INVALID  ${result.key}: ${result.error}\n`);
    } else if (result.series === 0 && reason) {
      process.stdout.write(`empty    ${result.key} (${reason})\n`);
    } else if (result.series === 0) {
      problems += 1;
      process.stdout.write(`NO DATA  ${result.key}: ${result.expr}\n`);
    }
  }
  const alerts = await activeAlerts(prometheusUrl);
  for (const alert of alerts) process.stdout.write(`ALERT    ${alert.name} ${alert.state} ${JSON.stringify(alert.labels)}\n`);
  problems += alerts.length;
  process.stdout.write(`${results.length} dashboard queries, ${problems} problem(s)\n`);
  return problems === 0 ? 0 : 1;
}

module.exports = { dashboardQueries, checkDashboard, activeAlerts, query, dataDependent };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
