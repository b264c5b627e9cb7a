'use strict';
// Turns what one bench/load.js run recorded into its figures: acceptance, refusals by code,
// terminal outcomes (expected or not), upload→ready latency, drain, queue depth, memory, and
// in soak mode whether each service's memory stayed flat.

const { backlogOf, depthOf, QUEUES } = require('./sampler');
const { countBy, median, slope, summarise } = require('./stats');

/**
 * Memory counts as flat when it grows by at most 10% or 10 MiB, whichever is larger: a few MiB
 * of jitter (V8 heap growth between collections, glibc arenas) is not a leak, a steady climb
 * over ten minutes is.
 */
const FLAT = { ratio: 0.1, mib: 10 };
const SOAK_WINDOW_S = 60;

/** `run`: the raw record built by bench/load.js (settings, load, drain, series, peaks). */
function computeFigures(run) {
  const { load, drain, series, corpus } = run;
  const expectOf = new Map(corpus.map((item) => [item.name, item]));
  const loadSeconds = (load.endedAt - load.startedAt) / 1000;
  const accepted = load.accepted;
  const firstFull = load.refused.find((r) => r.code === 'backlog_full');
  const burstEnd = firstFull ? firstFull.at : load.endedAt;
  const burst = accepted.filter((a) => a.acceptedAt < burstEnd).length / Math.max(0.001, (burstEnd - load.startedAt) / 1000);

  const outcomes = accepted.map((a) => ({ ...a, terminal: drain.terminal.get(a.assetId) }));
  const done = outcomes.filter((o) => o.terminal);
  const ready = done.filter((o) => o.terminal.status === 'ready');
  const outcomeKey = (o) => (o.terminal.code ? `${o.terminal.status} ${o.terminal.code}` : o.terminal.status);
  const unexpected = done.filter((o) => o.terminal.status !== expectOf.get(o.item)?.expect);
  const readyTimes = done.map((o) => o.terminal.readyAt);
  const lastTerminal = readyTimes.length ? Math.max(...readyTimes) : load.endedAt;
  const drainSeconds = Math.max(0, (lastTerminal - load.endedAt) / 1000);
  const terminalInDrain = done.filter((o) => o.terminal.readyAt > load.endedAt).length;
  const uploadToReady = (list) => summarise(list.map((o) => o.terminal.readyAt - o.acceptedAt));

  return {
    loadSeconds: round(loadSeconds, 1),
    requests: accepted.length + load.refused.length,
    accepted: accepted.length,
    acceptedPerSecond: round(accepted.length / loadSeconds, 2),
    acceptedMiBPerSecond: round(accepted.reduce((sum, a) => sum + expectOf.get(a.item).bytes, 0) / 1048576 / loadSeconds, 2),
    burstAcceptedPerSecond: round(burst, 2),
    firstBacklogFullAtSeconds: firstFull ? round((firstFull.at - load.startedAt) / 1000, 1) : undefined,
    acceptanceLatencyMs: roundAll(summarise(accepted.map((a) => a.latencyMs))),
    refusedByCode: countBy(load.refused, (r) => `${r.status} ${r.code}`),
    refusalLatencyMsP50: Object.fromEntries(
      Object.keys(countBy(load.refused, (r) => r.code)).map((code) => [
        code,
        round(summarise(load.refused.filter((r) => r.code === code).map((r) => r.latencyMs)).p50, 1),
      ]),
    ),
    terminal: done.length,
    notTerminal: accepted.length - done.length,
    notTerminalStatuses: drain.notTerminalStatuses,
    outcomes: countBy(done, outcomeKey),
    unexpectedOutcomes: countBy(unexpected, (o) => `${o.item}: ${outcomeKey(o)}`),
    uploadToReadyMs: roundAll(uploadToReady(ready)),
    uploadToReadyMsByKind: Object.fromEntries(
      ['photo', 'generated'].map((kind) => [
        kind,
        roundAll(uploadToReady(ready.filter((o) => expectOf.get(o.item).kind === kind))),
      ]),
    ),
    notificationLagMs: roundAll(summarise(done.map((o) => o.terminal.arrivedAt - o.terminal.readyAt))),
    readyPerSecondDuringLoad: round(done.filter((o) => o.terminal.readyAt <= load.endedAt).length / loadSeconds, 2),
    readyPerSecondDuringDrain: drainSeconds > 0 ? round(terminalInDrain / drainSeconds, 2) : undefined,
    drainSeconds: round(drainSeconds, 1),
    drainTimedOut: drain.timedOut,
    notifications: drain.counts,
    queues: Object.fromEntries(
      QUEUES.map((name) => [name, { maxDepth: Math.max(0, ...series.map((s) => depthOf(s.queues[name]))) }]),
    ),
    maxBacklog: Math.max(0, ...series.map(backlogOf)),
    peakRssMiB: run.peaks,
    peakSampledMiB: {
      workerWithChildren: round(Math.max(0, ...series.map((s) => (s.rss.worker ?? 0) + s.rss.children)), 1),
    },
    coresBusy: coresBusy(series, loadSeconds),
    ...(run.settings.soakMinutes ? { soak: soakFigures(series, loadSeconds) } : {}),
  };
}

/** Average cores each process kept busy during the load and during the drain (CPU seconds / wall seconds). */
function coresBusy(series, loadSeconds) {
  const withCpu = series.filter((s) => s.cpu);
  const first = withCpu[0];
  const loadEnd = withCpu.filter((s) => s.t <= loadSeconds).pop();
  const last = withCpu[withCpu.length - 1];
  const between = (a, b) =>
    a && b && b.t > a.t
      ? Object.fromEntries(
          Object.keys(b.cpu).map((key) => [key, round(((b.cpu[key] ?? 0) - (a.cpu[key] ?? 0)) / (b.t - a.t), 2)]),
        )
      : undefined;
  return { load: between(first, loadEnd), drain: between(loadEnd, last) };
}

/**
 * Per service: median RSS of the first and last minute of the load window, growth and the
 * slope after the first minute. The gateway and the worker process are long-lived, so a leak
 * accumulates there: they are judged by the medians. Image children are replaced after 200
 * images and each keeps roughly the memory of the largest image it decoded until then, so their
 * sum saw-tooths; they are judged by whether the peak of the second half of the soak stays
 * within the same margin of the peak of the first half (bounded). Redis holds every asset record
 * and recent finished jobs by design: it grows with the assets stored and is not judged.
 */
function soakFigures(series, loadSeconds) {
  const inLoad = series.filter((s) => s.t >= 0 && s.t <= loadSeconds);
  const services = {
    gateway: { judge: 'median', valueOf: (s) => s.rss.gateway },
    worker: { judge: 'median', valueOf: (s) => s.rss.worker },
    'worker image children (sum)': { judge: 'peak', valueOf: (s) => s.rss.children },
    'worker + children': { judge: 'peak', valueOf: (s) => (s.rss.worker ?? 0) + s.rss.children },
    redis: { judge: undefined, valueOf: (s) => s.rss.redis },
  };
  const within = (before, after) => after - before <= Math.max(FLAT.ratio * before, FLAT.mib);
  const figures = {};
  for (const [name, { judge, valueOf }] of Object.entries(services)) {
    const values = (samples) => samples.map(valueOf).filter(Number.isFinite);
    const start = median(values(inLoad.filter((s) => s.t < SOAK_WINDOW_S)));
    const end = median(values(inLoad.filter((s) => s.t > loadSeconds - SOAK_WINDOW_S)));
    const firstHalfPeak = Math.max(0, ...values(inLoad.filter((s) => s.t < loadSeconds / 2)));
    const secondHalfPeak = Math.max(0, ...values(inLoad.filter((s) => s.t >= loadSeconds / 2)));
    const afterWarmup = inLoad.filter((s) => s.t >= SOAK_WINDOW_S).map((s) => [s.t / 60, valueOf(s)]);
    figures[name] = {
      startMiB: round(start, 1),
      endMiB: round(end, 1),
      growthMiB: round(end - start, 1),
      slopeMiBPerMinute: round(slope(afterWarmup.filter(([, y]) => Number.isFinite(y))), 2),
      firstHalfPeakMiB: round(firstHalfPeak, 1),
      secondHalfPeakMiB: round(secondHalfPeak, 1),
      judgedBy: judge,
      flat: judge === 'median' ? within(start, end) : judge === 'peak' ? within(firstHalfPeak, secondHalfPeak) : undefined,
    };
  }
  return { windowSeconds: SOAK_WINDOW_S, threshold: `growth ≤ max(${FLAT.ratio * 100}%, ${FLAT.mib} MiB)`, services: figures };
}

function round(value, digits) {
  return value === undefined || !Number.isFinite(value) ? undefined : Number(value.toFixed(digits));
}

function roundAll(values) {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, key === 'count' ? value : round(value, 1)]));
}

module.exports = { computeFigures, soakFigures, FLAT };
