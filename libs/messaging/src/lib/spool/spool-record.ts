import { z } from 'zod';
import { EventEnvelopeSchema, type EventEnvelope } from '@latchkey/contracts';

/** One event as the spool keeps it: exactly what `EventBus.publishEnvelopes` takes. */
export interface SpooledEvent {
  readonly topic: string;
  readonly envelope: EventEnvelope;
}

/** What a segment file held: its complete records, and what had to be skipped. */
export interface DecodedSegment {
  readonly events: readonly SpooledEvent[];
  /** Bytes after the last newline: a write that a crash (or a failed write) cut short. */
  readonly tornBytes: number;
  /** 1-based numbers of complete lines that are not a valid record (disk corruption, hand edits). */
  readonly invalidLines: readonly number[];
}

const NEWLINE = 0x0a;
const RecordSchema = z.object({ topic: z.string().min(1), envelope: EventEnvelopeSchema });

/**
 * NDJSON: one `{"topic","envelope"}` object per line. JSON.stringify escapes
 * newlines inside strings, so a line break only ever ends a record, and a
 * record is complete exactly when its newline made it to disk.
 */
export function encodeRecords(events: readonly SpooledEvent[]): Buffer {
  return Buffer.from(events.map((e) => `${JSON.stringify({ topic: e.topic, envelope: e.envelope })}\n`).join(''), 'utf8');
}

/** Complete records in `content` (each ends in a newline); a torn trailing line is not one. */
export function countRecords(content: Buffer): number {
  let count = 0;
  for (let i = content.indexOf(NEWLINE); i !== -1; i = content.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/**
 * Reads a segment back. Tolerant by design: after a crash the last line may
 * be incomplete, and it is skipped rather than failing the whole segment (its
 * caller was never answered, so its request was not served). Invalid complete
 * lines are reported, not thrown: one bad line must not block every event
 * behind it forever.
 */
export function decodeRecords(content: Buffer): DecodedSegment {
  const end = content.lastIndexOf(NEWLINE) + 1;
  const lines = content.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // the empty string after the final newline
  const events: SpooledEvent[] = [];
  const invalidLines: number[] = [];
  lines.forEach((line, index) => {
    const record = parseRecord(line);
    if (record) events.push(record);
    else invalidLines.push(index + 1);
  });
  return { events, tornBytes: content.length - end, invalidLines };
}

function parseRecord(line: string): SpooledEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  // Validated, but the parsed object is what gets republished: zod would strip attributes it does not know.
  return RecordSchema.safeParse(parsed).success ? (parsed as SpooledEvent) : undefined;
}
