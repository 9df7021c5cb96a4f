import Table from 'cli-table3';
import type { CliIo } from './cli-io';

/** A cell as the tables show it: empty for null or undefined, lists joined with commas. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A plain table (no colours, so that it reads the same in a terminal, a pipe and a test). */
export function renderTable(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map(cell));
  return table.toString();
}

/**
 * Where a command's result goes: with `--json`, one JSON document on stdout
 * and nothing else there (scripts parse it); otherwise the human rendering.
 * Notes (hints, warnings) always go to stderr.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  result(value: unknown, human: () => string): void {
    this.io.stdout((this.json ? JSON.stringify(value) : human()) + '\n');
  }

  /** One line of a stream (alerts tail): NDJSON with `--json`. */
  line(value: unknown, human: () => string): void {
    this.result(value, human);
  }

  note(text: string): void {
    this.io.stderr(text + '\n');
  }
}
