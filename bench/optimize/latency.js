'use strict';
// Section (e) of bench:optimize: one photo's upload→ready latency on an idle pipeline — the
// gateway, the worker (images in its child-process pool) and Redis as separate processes, as
// bench:load starts them — next to its pure processing time: the same steps in one image child
// without queues, registry or staging (write the upload to disk, probe, optimize, write the
// outputs). Each is the median of `runs` after one warm-up; the machine is let go quiet first.

const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('undici');
const { upload } = require('../load/clients');
const { multipartBody } = require('../load/corpus');
const { startNotifySink } = require('../load/notify-sink');
const { startStack } = require('../load/stack');
const { waitForIdle } = require('../lib/idle');

const API_KEY = 'bench-optimize-latency';

/**
 * Returns `{ pipelineMs: number[], processingMs: number[], parts: object[], idle: boolean }`;
 * `parts` splits each pipeline run into the upload's answer, the three stages' own durations
 * (the asset's `timings`) and the rest (queue hops, registry writes, the notification).
 */
async function measureLatency(imaging, photo, runs) {
  const item = { name: photo.name, ...multipartBody(photo.name, await fsp.readFile(photo.file)) };
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-optimize-latency-'));
  const sink = await startNotifySink();
  let stack;
  try {
    stack = await startStack({ dataDir, apiKeys: [API_KEY], maxBacklog: 0, notifyUrl: sink.url, notifySecret: sink.secret });
    const client = new Client(stack.gatewayUrl);
    const pipelineMs = [];
    const parts = [];
    let idle = true;
    try {
      for (let run = -1; run < runs; run++) {
        idle = (await waitForIdle({ waitMs: 15_000 })) && idle;
        const measured = await uploadToReady(client, item, sink);
        if (run < 0) continue;
        pipelineMs.push(measured.totalMs);
        parts.push(measured.parts);
      }
    } finally {
      await client.close();
    }
    const processingMs = await measureProcessing(imaging, photo, runs, dataDir);
    return { pipelineMs, processingMs, parts, idle };
  } finally {
    await stack?.stop();
    await sink.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

/** From sending the upload to the asset.ready notification's arrival, and where the time went. */
async function uploadToReady(client, item, sink) {
  const started = Date.now();
  const outcome = await upload(client, API_KEY, item);
  if (!outcome.assetId) throw new Error(`upload refused: ${outcome.status} ${outcome.code}`);
  const deadline = started + 120_000;
  while (!sink.terminal.has(outcome.assetId)) {
    if (Date.now() > deadline) throw new Error('no terminal notification within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const terminal = sink.terminal.get(outcome.assetId);
  if (terminal.type !== 'asset.ready') throw new Error(`asset ended ${terminal.status} (${terminal.code})`);
  const totalMs = terminal.arrivedAt - started;
  const res = await client.request({
    method: 'GET',
    path: `/v1/assets/${outcome.assetId}`,
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const { timings } = (await res.body.json()).asset;
  const stage = (name) => timings[name]?.durationMs ?? 0;
  const parts = { uploadMs: Math.round(outcome.latencyMs), validateMs: stage('validate'), optimizeMs: stage('optimize') };
  parts.deliverMs = stage('deliver');
  parts.restMs = totalMs - parts.uploadMs - parts.validateMs - parts.optimizeMs - parts.deliverMs;
  return { totalMs, parts };
}

/** The same work in one image child as the worker runs it: no queue, registry or staging. */
async function measureProcessing(imaging, photo, runs, dataDir) {
  const cores = os.availableParallelism();
  const pool = imaging.createImagePool({
    size: 1,
    maxMemoryMb: 2048,
    timeoutMs: 120_000,
    sharpConcurrency: imaging.throughputFor(cores).sharpConcurrency,
  });
  const policy = imaging.createPolicyRegistry().resolve({ name: 'default', destination: 'local' });
  const dir = path.join(dataDir, 'direct');
  await fsp.mkdir(dir, { recursive: true });
  const body = await fsp.readFile(photo.file);
  const times = [];
  try {
    for (let run = -1; run < runs; run++) {
      await waitForIdle({ waitMs: 15_000 });
      const started = Date.now();
      const original = path.join(dir, `original-${run}`);
      await fsp.writeFile(original, body);
      await pool.probe(original, imaging.defaultImagingLimits);
      const out = await pool.optimize(original, policy, imaging.defaultImagingLimits);
      await fsp.writeFile(path.join(dir, `out-${run}.${out.format}`), out.data);
      for (const variant of out.variants) await fsp.writeFile(path.join(dir, `out-${run}-${variant.width}`), variant.data);
      if (run >= 0) times.push(Date.now() - started);
    }
  } finally {
    await pool.close();
  }
  return times;
}

module.exports = { measureLatency };
