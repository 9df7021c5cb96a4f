import type { Logger } from '@nestjs/common';

/** A task run every `intervalMs`, never twice at once; stop() clears it and waits for a run in progress. */
export interface Repeating {
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` (unref'd, so it never holds the process
 * open). A run that is still going when the next is due is not doubled:
 * the tick is skipped. A failing run is logged with its message only and
 * the next tick tries again.
 */
export function repeat(intervalMs: number, what: string, logger: Logger, task: () => Promise<unknown>): Repeating {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = task()
      .catch((error: unknown) => logger.warn({ msg: `${what} failed`, error: (error as Error).message }))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
