import { Writable } from 'node:stream';
import type { CliIo } from './cli-io';
import { createProgress } from './progress';

/** A stream that says it is a terminal and keeps what is drawn on it. */
function terminal(): Writable & { drawn: string } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.drawn += String(chunk);
      done();
    },
  }) as Writable & { drawn: string; isTTY: boolean; columns: number; cursorTo: () => void; clearLine: () => void; moveCursor: () => void };
  Object.assign(stream, { drawn: '', isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return stream;
}

const io = (progressStream: NodeJS.WritableStream | undefined) => ({ progressStream }) as unknown as CliIo;

describe('createProgress', () => {
  it('draws a bar on a terminal, growing its total when the work outruns it', () => {
    const stream = terminal();
    const progress = createProgress(io(stream), false, 'reading rows');
    progress.start(2);
    progress.increment();
    progress.increment();
    progress.increment();
    progress.stop();
    expect(stream.drawn).toContain('reading rows');
    expect(stream.drawn).toContain('3/3');
  });

  it('draws nothing with --json or without a terminal', () => {
    const stream = terminal();
    for (const progress of [createProgress(io(stream), true, 'x'), createProgress(io(undefined), false, 'x')]) {
      progress.start(5);
      progress.increment();
      progress.stop();
    }
    expect(stream.drawn).toBe('');
  });
});
