import { createRunGate, type PausableWorker } from './run-gate';

/** A job the test finishes by hand, recording when it started. */
function controlled(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    finish: () => finish(),
  };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

function fakeWorker(log: string[], name: string): PausableWorker {
  return {
    pause: async () => void log.push(`pause ${name}`),
    resume: () => void log.push(`resume ${name}`),
  };
}

it('runs ordinary jobs side by side, and a suspect job alone once the running ones are done', async () => {
  const gate = createRunGate();
  const log: string[] = [];
  const [a, b, suspect] = ['a', 'b', 'suspect'].map((name) => controlled(log, name));
  const runs = [gate.run(false, a!.work), gate.run(false, b!.work), gate.run(true, suspect!.work)];
  await tick();
  expect(log).toEqual(['start a', 'start b']);
  a!.finish();
  await tick();
  expect(log).toEqual(['start a', 'start b', 'end a']);
  b!.finish();
  await tick();
  expect(log.slice(3)).toEqual(['end b', 'start suspect']);
  suspect!.finish();
  await expect(Promise.all(runs)).resolves.toEqual(['ran', 'ran', 'ran']);
});

it('holds no other job while a suspect waits or runs: later jobs are deferred, workers paused until it ends', async () => {
  const gate = createRunGate();
  const log: string[] = [];
  gate.attach(fakeWorker(log, 'w1'));
  const detach = gate.attach(fakeWorker(log, 'w2'));
  const [a, suspect, other] = ['a', 'suspect', 'other'].map((name) => controlled(log, name));
  const runA = gate.run(false, a!.work);
  const runSuspect = gate.run(true, suspect!.work);
  // Arriving while the suspect waits, and while it runs: neither is run nor held.
  await expect(gate.run(false, other!.work)).resolves.toBe('deferred');
  await expect(gate.run(true, other!.work)).resolves.toBe('deferred');
  a!.finish();
  await tick();
  await expect(gate.run(false, other!.work)).resolves.toBe('deferred');
  expect(log).toEqual(['start a', 'pause w1', 'pause w2', 'end a', 'start suspect']);
  detach();
  suspect!.finish();
  await expect(Promise.all([runA, runSuspect])).resolves.toEqual(['ran', 'ran']);
  expect(log.slice(5)).toEqual(['end suspect', 'resume w1']);
  // The gate is open again.
  const later = controlled(log, 'later');
  const runLater = gate.run(false, later.work);
  later.finish();
  await expect(runLater).resolves.toBe('ran');
});

it('frees the gate and resumes workers when a job throws', async () => {
  const gate = createRunGate();
  const log: string[] = [];
  gate.attach(fakeWorker(log, 'w'));
  await expect(gate.run(true, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(gate.run(false, () => Promise.reject(new Error('bang')))).rejects.toThrow('bang');
  await expect(gate.run(true, async () => undefined)).resolves.toBe('ran');
  expect(log).toEqual(['pause w', 'resume w', 'pause w', 'resume w']);
});
