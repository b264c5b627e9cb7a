import { Presets, SingleBar } from 'cli-progress';

/** What the progress display shows. */
export interface ProgressFigures {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  failures: number;
}

export interface ProgressDisplay {
  update(figures: ProgressFigures): void;
  stop(): void;
}

/** Bytes in the largest unit that keeps the figure at or above 1. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
const mib = formatBytes;

/**
 * Live progress on stderr: a bar (files, bytes, rate, ETA, failures) on a terminal; elsewhere a
 * plain line every `intervalMs` and at the end, so logs stay readable.
 */
export function createProgress(stream: NodeJS.WriteStream, intervalMs = 2_000): ProgressDisplay {
  const started = Date.now();
  const rate = (bytes: number) => `${mib(bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`;
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {files} files | {bytes} | {rate} | ETA {eta_formatted} | {failures} failed',
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      Presets.shades_classic,
    );
    let started_ = false;
    return {
      update(f) {
        const payload = {
          files: `${f.filesDone}/${f.filesTotal}`,
          bytes: `${mib(f.bytesDone)}/${mib(f.bytesTotal)}`,
          rate: rate(f.bytesDone),
          failures: f.failures,
        };
        if (!started_) {
          bar.start(Math.max(1, f.bytesTotal), f.bytesDone, payload);
          started_ = true;
        } else {
          // The totals grow while the walk finds files (uploads start before it ends).
          if (bar.getTotal() !== Math.max(1, f.bytesTotal)) bar.setTotal(Math.max(1, f.bytesTotal));
          bar.update(f.bytesDone, payload);
        }
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let latest: ProgressFigures | undefined;
  const print = (f: ProgressFigures) => {
    const pct = f.bytesTotal === 0 ? 100 : Math.floor((f.bytesDone / f.bytesTotal) * 100);
    stream.write(
      `progress: ${f.filesDone}/${f.filesTotal} files, ${mib(f.bytesDone)}/${mib(f.bytesTotal)} (${pct}%), ${rate(f.bytesDone)}, ${f.failures} failed\n`,
    );
  };
  return {
    update(f) {
      latest = f;
      if (Date.now() - last >= intervalMs) {
        last = Date.now();
        print(f);
      }
    },
    stop() {
      if (latest) print(latest);
      latest = undefined;
    },
  };
}
