'use strict';
// Linux /proc readings for bench/load.js: resident memory and CPU time of a process and its children.

const fs = require('node:fs');

const KiB = 1024;
const MiB = 1024 * KiB;
const CLOCK_TICKS = 100; // USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux

/**
 * VmRSS (resident now) and VmHWM (peak resident since the process started) of a live process,
 * in MiB; undefined when it is gone (a recycled image child, say).
 */
function memoryOf(pid) {
  let status;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!rss || !hwm) return undefined; // a zombie has no memory lines
  return { rssMiB: (Number(rss[1]) * KiB) / MiB, hwmMiB: (Number(hwm[1]) * KiB) / MiB };
}

/** User + system CPU time of a live process (all its threads), in seconds; undefined when it is gone. */
function cpuSecondsOf(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Direct children of a process, from /proc/<pid>/task/<tid>/children (every thread may have forked). */
function childrenOf(pid) {
  const pids = new Set();
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tasks) {
    let list = '';
    try {
      list = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of list.trim().split(/\s+/)) if (child) pids.add(Number(child));
  }
  return [...pids];
}

module.exports = { memoryOf, cpuSecondsOf, childrenOf };
