'use strict';
// Output of bench/load.js: the printed report, the JSON (settings, figures, time series) and
// the SVG plots written to bench/results/load-<timestamp>.{json,svg} (plus -rss.svg in soak mode).

const fs = require('node:fs');
const path = require('node:path');
const { backlogOf, depthOf } = require('./sampler');
const { linePlot } = require('./svg-plot');

const RESULTS = path.join(__dirname, '..', 'results');
const COLORS = {
  'ingest.validate': '#1f77b4',
  'ingest.optimize': '#d62728',
  'ingest.deliver': '#2ca02c',
  'asset.notify': '#9467bd',
};

/** Writes the JSON and the plots; returns their paths. */
function writeResults(run, figures) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date(run.startedAt).toISOString().replace(/[:.]/g, '-');
  const base = path.join(RESULTS, `load-${stamp}`);
  const files = { json: `${base}.json`, svg: `${base}.svg` };
  fs.writeFileSync(files.svg, queuePlot(run, figures));
  if (figures.soak) {
    files.rssSvg = `${base}-rss.svg`;
    fs.writeFileSync(files.rssSvg, rssPlot(run, figures));
  }
  const json = {
    startedAt: new Date(run.startedAt).toISOString(),
    machine: run.machine,
    settings: run.settings,
    corpus: run.corpus.map(({ name, kind, expect, bytes }) => ({ name, kind, expect, bytes })),
    figures,
    logs: run.logs,
    serviceExits: run.exits,
    series: run.series,
    files: Object.fromEntries(Object.entries(files).map(([key, file]) => [key, path.relative(process.cwd(), file)])),
  };
  fs.writeFileSync(files.json, `${JSON.stringify(json, null, 2)}\n`);
  return files;
}

function queuePlot(run, figures) {
  const lines = Object.entries(COLORS).map(([queue, color]) => ({
    label: queue,
    color,
    points: run.series.map((s) => [s.t, depthOf(s.queues[queue])]),
  }));
  // What the gateway's backpressure compares with its bound: waiting + delayed, all three stages.
  lines.push({ label: 'ingest backlog', color: '#555555', dashed: true, points: run.series.map((s) => [s.t, backlogOf(s)]) });
  return linePlot({
    title: `ingestkit load: ${run.settings.clients} clients × ${figures.loadSeconds} s, then drain — queue depth`,
    subtitle: 'ingest backlog: jobs waiting or delayed in all three ingest queues, what BACKPRESSURE_MAX_BACKLOG bounds',
    xLabel: 'seconds since the load started',
    yLabel: 'jobs waiting + active per queue',
    lines,
    hlines:
      run.settings.maxBacklog > 0
        ? [{ y: run.settings.maxBacklog, label: `bound (${run.settings.maxBacklog})`, color: '#ff7f0e' }]
        : [],
    vlines: [{ x: figures.loadSeconds, label: 'load stops' }],
  });
}

function rssPlot(run, figures) {
  const series = (label, color, valueOf) => ({ label, color, points: run.series.map((s) => [s.t, valueOf(s) ?? 0]) });
  return linePlot({
    title: `ingestkit soak: resident memory per service (${figures.loadSeconds} s of load)`,
    xLabel: 'seconds since the load started',
    yLabel: 'RSS MiB',
    lines: [
      series('gateway', '#1f77b4', (s) => s.rss.gateway),
      series('worker', '#d62728', (s) => s.rss.worker),
      series('worker image children', '#ff9896', (s) => s.rss.children),
      series('redis', '#2ca02c', (s) => s.rss.redis),
    ],
    vlines: [{ x: figures.loadSeconds, label: 'load stops' }],
  });
}

/** The printed report (Markdown-ish, like the other benches). */
function printReport(run, figures, files) {
  const f = figures;
  const s = run.settings;
  const ms = (summary) =>
    summary.count
      ? `p50 ${fmt(summary.p50)}  p95 ${fmt(summary.p95)}  p99 ${fmt(summary.p99)}  max ${fmt(summary.max)} ms (n=${summary.count})`
      : 'none';
  const lines = [
    '',
    `## load: ${s.clients} clients, ${f.loadSeconds} s${s.soakMinutes ? ` (soak ${s.soakMinutes} min)` : ''}, then drain`,
    '',
    `machine: ${run.machine.summary}; load average ${run.machine.loadAverageStart} at start, ${run.machine.loadAverageEnd} at end${run.machine.idleAtStart ? '' : ' (the CPUs were busy at start: expect noise)'}`,
    `corpus: ${run.corpus.length} images (${run.corpus.filter((i) => i.kind === 'photo').length} real photos from mate-backgrounds, ` +
      `${run.corpus.filter((i) => i.kind !== 'photo').length} generated incl. 1 truncated JPEG that must be rejected), ` +
      `${fmt(run.corpus.reduce((sum, i) => sum + i.bytes, 0) / 1048576, 1)} MiB`,
    `settings: BACKPRESSURE_MAX_BACKLOG ${s.maxBacklog}, Retry-After honoured up to ${s.retryCapMs} ms, ` +
      `worker concurrency ${s.workerConcurrency ?? 'default (one image per core)'}, IMAGE_ISOLATION=process, local staging and destination`,
    '',
    '### gateway',
    `requests            ${f.requests}`,
    `accepted (202)      ${f.accepted} — ${fmt(f.acceptedPerSecond, 2)} uploads/s, ${fmt(f.acceptedMiBPerSecond, 2)} MiB/s over the window`,
    f.firstBacklogFullAtSeconds !== undefined
      ? `before backpressure ${fmt(f.burstAcceptedPerSecond, 2)} uploads/s (first 503 backlog_full after ${f.firstBacklogFullAtSeconds} s)`
      : `backpressure        never tripped`,
    `acceptance latency  ${ms(f.acceptanceLatencyMs)}`,
    `refused             ${
      Object.keys(f.refusedByCode).length
        ? Object.entries(f.refusedByCode)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')
        : 'none'
    }`,
    Object.keys(f.refusalLatencyMsP50).length
      ? `refusal latency p50 ${Object.entries(f.refusalLatencyMsP50)
          .map(([k, v]) => `${k} ${fmt(v)} ms`)
          .join(', ')}`
      : undefined,
    '',
    '### pipeline',
    `terminal            ${f.terminal} of ${f.accepted}${f.notTerminal ? ` — ${f.notTerminal} NOT terminal${f.drainTimedOut ? ' (drain timed out)' : ''}: ${JSON.stringify(f.notTerminalStatuses)}` : ''}`,
    `outcomes            ${
      Object.entries(f.outcomes)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'none'
    }`,
    `unexpected          ${
      Object.keys(f.unexpectedOutcomes).length
        ? Object.entries(f.unexpectedOutcomes)
            .map(([k, v]) => `${k} ×${v}`)
            .join(', ')
        : 'none (every image reached the status it should)'
    }`,
    `upload→ready        ${ms(f.uploadToReadyMs)}`,
    `  real photos       ${ms(f.uploadToReadyMsByKind.photo)}`,
    `  generated         ${ms(f.uploadToReadyMsByKind.generated)}`,
    `ready/s             ${fmt(f.readyPerSecondDuringLoad, 2)} during the load, ${f.readyPerSecondDuringDrain !== undefined ? fmt(f.readyPerSecondDuringDrain, 2) : '–'} during the drain (${fmt(f.drainSeconds, 1)} s)`,
    `notification lag    ${ms(f.notificationLagMs)} (ready → received by the sink); ${f.notifications.duplicates} duplicate(s), ${f.notifications.badSignatures} bad signature(s)`,
    `queue depth max     ${Object.entries(f.queues)
      .map(([q, v]) => `${q} ${v.maxDepth}`)
      .join(', ')}; backlog max ${f.maxBacklog}${s.maxBacklog > 0 ? ` (bound ${s.maxBacklog})` : ''}`,
    '',
    '### memory (peak RSS = VmHWM)',
    `gateway             ${fmt(f.peakRssMiB.gateway, 0)} MiB`,
    `worker              ${fmt(f.peakRssMiB.worker, 0)} MiB (the worker process itself)`,
    `image children      ${fmt(f.peakRssMiB.childMax, 0)} MiB (largest single child; ${f.peakRssMiB.childrenSeen} children seen)`,
    `worker + children   ${fmt(f.peakSampledMiB.workerWithChildren, 0)} MiB (highest 1-second sample of the sum of current RSS)`,
    `redis               ${fmt(f.peakRssMiB.redis, 0)} MiB`,
    '',
    `### CPU (cores kept busy on average; the bench's clients share the machine)`,
    ...['load', 'drain'].map(
      (phase) =>
        `${phase.padEnd(19)} ${
          f.coresBusy[phase]
            ? Object.entries(f.coresBusy[phase])
                .map(([k, v]) => `${k === 'bench' ? 'bench clients' : k} ${fmt(v, 2)}`)
                .join(', ')
            : '–'
        }`,
    ),
  ];
  if (f.soak) {
    lines.push(
      '',
      `### soak: RSS medians of the first and last ${f.soak.windowSeconds} s of load; ${f.soak.threshold}`,
      'gateway and worker judged by the medians; image children (replaced every 200 images, so a saw-tooth) by the',
      'peak of the second half of the load against the first; Redis grows with the assets it stores (not judged)',
    );
    for (const [name, v] of Object.entries(f.soak.services)) {
      const medians = `${fmt(v.startMiB, 1)} → ${fmt(v.endMiB, 1)} MiB (${v.growthMiB >= 0 ? '+' : ''}${fmt(v.growthMiB, 1)})`;
      // A saw-tooth has no meaningful linear slope: the peaks of each half are what says "bounded".
      const detail =
        v.judgedBy === 'peak'
          ? `peak ${fmt(v.firstHalfPeakMiB, 0)} in the first half, ${fmt(v.secondHalfPeakMiB, 0)} in the second: ${v.flat ? 'BOUNDED' : 'NOT BOUNDED'}`
          : `slope after minute 1 ${fmt(v.slopeMiBPerMinute, 2)} MiB/min${v.judgedBy ? `: ${v.flat ? 'FLAT' : 'NOT FLAT'}` : ''}`;
      lines.push(`${name.padEnd(28)} ${medians}; ${detail}`);
    }
  }
  const logLines = Object.entries(run.logs).flatMap(([service, summary]) =>
    summary.groups.map((g) => `${service}: ${g.message} ×${g.count}`),
  );
  lines.push('', `service warnings/errors: ${logLines.length ? '' : 'none'}`, ...logLines.map((l) => `  ${l}`));
  if (run.exits.length) lines.push('', `SERVICES EXITED DURING THE RUN: ${JSON.stringify(run.exits)}`);
  lines.push('', ...Object.values(files).map((file) => `wrote ${path.relative(process.cwd(), file)}`), '');
  process.stdout.write(`${lines.filter((line) => line !== undefined).join('\n')}\n`);
}

function fmt(value, digits = 0) {
  return value === undefined || value === null ? '–' : Number(value).toFixed(digits);
}

module.exports = { writeResults, printReport };
