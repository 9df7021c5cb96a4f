import { CloudEvent, Kafka } from 'cloudevents';
import type { EventEnvelope } from '@latchkey/contracts';
import type { TransportMessage } from '../transport/transport';

/**
 * Maps envelopes to the CloudEvents Kafka protocol binding, binary mode:
 * attributes in `ce_*` headers, `content-type: application/json`, the data
 * as the JSON value, and the partition key as the Kafka key. The SDK builds
 * the headers; we serialise the value and drop unset attributes ourselves
 * because the SDK leaves both to the caller.
 */
export function envelopeToMessage(topic: string, envelope: EventEnvelope): TransportMessage {
  const event = new CloudEvent<unknown>({ ...envelope }, false);
  const message = Kafka.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return {
    topic,
    key: envelope.partitionkey,
    value: Buffer.from(JSON.stringify(envelope.data)),
    headers,
  };
}

/** The outcome of reading a message back into a (not yet validated) envelope object. */
export type ParsedMessage = { ok: true; raw: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Reads a binary-mode message back into a plain envelope object for
 * `decodeEnvelope`. Never throws: an unreadable message becomes a reason for
 * the dead-letter topic. The reason names what is wrong, never the content.
 */
export function messageToRawEnvelope(message: TransportMessage): ParsedMessage {
  if (!message.headers['ce_specversion']) {
    return { ok: false, reason: 'not a binary-mode CloudEvent: ce_specversion header missing' };
  }
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'event data is not valid JSON' };
  }
  const raw: Record<string, unknown> = { data };
  for (const [name, value] of Object.entries(message.headers)) {
    if (name.startsWith('ce_')) raw[name.slice(3)] = value;
  }
  if (message.headers['content-type']) raw['datacontenttype'] = message.headers['content-type'];
  return { ok: true, raw };
}
