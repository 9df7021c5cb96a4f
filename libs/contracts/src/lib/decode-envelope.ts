import type { EventDefinition } from './define-event';
import type { EventErrorCode } from './error-codes';
import { EventEnvelopeSchema, type EventEnvelope } from './envelope';
import type { EventRegistry } from './registry';

/** Why an incoming event could not be accepted; becomes the DLQ reason. */
export type DecodeFailureCode = Extract<
  EventErrorCode,
  'EVENT.ENVELOPE_INVALID' | 'EVENT.UNKNOWN_TYPE' | 'EVENT.DATA_INVALID'
>;

/** The outcome of decoding: a validated event, or a reason to dead-letter it. */
export type DecodeResult =
  | { readonly ok: true; readonly definition: EventDefinition; readonly envelope: EventEnvelope }
  | { readonly ok: false; readonly code: DecodeFailureCode; readonly reason: string };

/** The parts of a zod issue the reason is built from. */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Path segments are field names of our schemas, except record keys, which
 * are data: a segment is shown only when it looks like a field name, and
 * never the key a record refused.
 */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

function describePath(issue: Issue): string {
  const last = issue.path.length - 1;
  return issue.path
    .map((segment, i) => {
      if (typeof segment === 'number') return String(segment);
      const refusedKey = issue.code === 'invalid_key' && i === last;
      return typeof segment === 'string' && FIELD_NAME.test(segment) && !refusedKey ? segment : '*';
    })
    .join('.');
}

/**
 * Summarises zod issues without echoing values (they may hold secrets).
 * zod's own messages name what was expected, never what was received; the
 * one exception, unrecognised key names, is replaced.
 */
function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${describePath(i) || '(root)'}: ${i.code === 'unrecognized_keys' ? 'unrecognized keys' : i.message}`)
    .join('; ');
}

/**
 * A type is echoed in the reason only when it is shaped like a CloudEvents
 * type (dotted lower case, e.g. `com.latchkey.lat.issued.v2`), which is what
 * an operator needs to triage; anything else may be a misplaced secret.
 */
const TYPE_SHAPE = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

function describeType(type: string): string {
  return TYPE_SHAPE.test(type) ? type : '(not shaped like an event type)';
}

/**
 * Validates an envelope and its data against the registry. Every consumer
 * runs this before any handler (STYLE.md "Contracts"); anything that fails
 * goes to the dead-letter topic with the returned reason.
 */
export function decodeEnvelope(raw: unknown, registry: EventRegistry): DecodeResult {
  const envelope = EventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, code: 'EVENT.ENVELOPE_INVALID', reason: describeIssues(envelope.error.issues) };
  }
  const definition = registry.get(envelope.data.type);
  if (!definition) {
    return { ok: false, code: 'EVENT.UNKNOWN_TYPE', reason: `unknown event type ${describeType(envelope.data.type)}` };
  }
  const data = definition.data.safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, code: 'EVENT.DATA_INVALID', reason: describeIssues(data.error.issues) };
  }
  return { ok: true, definition, envelope: { ...envelope.data, data: data.data } };
}
