'use strict';
// Waiting for a quiet machine before a measured run (Linux /proc/stat), shared by the benches.

const fs = require('node:fs');

/**
 * Waits up to `waitMs` for one second in which the CPUs are at least `threshold` idle, so a run
 * does not share the cores with whatever else the machine is doing (nor with a previous run's
 * deletes and writeback). Resolves false if no such second came: the caller marks the run.
 */
async function waitForIdle({ waitMs = 60_000, threshold = 0.85 } = {}) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = cpuTimes();
    if ((after.idle - before.idle) / (after.total - before.total) >= threshold) return true;
    if (Date.now() > deadline) return false;
  }
}

/** Jiffies since boot over all CPUs (/proc/stat): idle (with iowait) and total. */
function cpuTimes() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
}

module.exports = { waitForIdle };
