import { connect } from 'node:net';

/** How a slow request ended: answered (with the status), cut by the server, or still open at `giveUpMs`. */
export interface SlowOutcome {
  outcome: 'answered' | 'cut' | 'still-open';
  status?: number;
  /** Milliseconds from the first byte sent to the outcome. */
  afterMs: number;
  /** Whether the client had sent everything it meant to when the outcome came. */
  finishedSending: boolean;
}

/**
 * A hostile client on a raw socket: sends `head` (the request line and some headers, as
 * given), then `drip` every `everyMs`, `drips` times (or until the server answers or hangs up),
 * then `tail` if still connected. The server's first bytes count as its answer.
 */
export function sendSlowly(
  url: string,
  options: {
    head: string;
    /** What to send each time, or a function of the drip's index. */
    drip: string | Buffer | ((index: number) => string | Buffer);
    everyMs: number;
    drips: number;
    tail?: string;
    giveUpMs: number;
  },
): Promise<SlowOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let sent = 0;
    let finishedSending = false;
    let done = false;
    let received = '';
    const finish = (outcome: SlowOutcome['outcome']) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({
        outcome,
        ...(status ? { status: Number(status) } : {}),
        afterMs: Date.now() - started,
        finishedSending,
      });
      socket.destroy();
    };
    socket.on('connect', () => socket.write(options.head));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (/\r\n\r\n/.test(received)) finish('answered');
    });
    socket.on('error', () => finish(received ? 'answered' : 'cut'));
    socket.on('close', () => finish(received ? 'answered' : 'cut'));
    const timer = setInterval(() => {
      if (done || socket.destroyed) return;
      if (sent < options.drips) {
        socket.write(typeof options.drip === 'function' ? options.drip(sent) : options.drip);
        sent++;
        return;
      }
      if (!finishedSending) {
        if (options.tail) socket.write(options.tail);
        finishedSending = true;
      }
    }, options.everyMs);
    const giveUp = setTimeout(() => finish('still-open'), options.giveUpMs);
  });
}
