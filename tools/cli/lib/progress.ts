import { SingleBar } from 'cli-progress';
import type { CliIo } from './cli-io';

/** A progress report for long work; a no-op when there is nowhere to draw it. */
export interface Progress {
  start(total: number): void;
  increment(by?: number): void;
  stop(): void;
}

const SILENT: Progress = { start: () => undefined, increment: () => undefined, stop: () => undefined };

/**
 * A bar on stderr only when stderr is a terminal and the output is not
 * `--json`: a bar in a pipe or a log is noise, and stdout stays clean for
 * whatever the command prints.
 */
export function createProgress(io: CliIo, json: boolean, label: string): Progress {
  const stream = io.progressStream;
  if (json || stream === undefined) return SILENT;
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {value}/{total}`,
    hideCursor: true,
    clearOnComplete: false,
  });
  let total = 0;
  let value = 0;
  return {
    start(expected) {
      total = Math.max(expected, 1);
      bar.start(total, 0);
    },
    increment(by = 1) {
      value += by;
      // The head may move while we read: grow the bar rather than run past 100 %.
      if (value > total) bar.setTotal((total = value));
      bar.increment(by);
    },
    stop: () => bar.stop(),
  };
}
