import type { EventEnvelope } from '@latchkey/contracts';
import type { TransportMessage } from '../transport/transport';

/**
 * Maps envelopes to the CloudEvents Kafka protocol binding, binary mode:
 * `content-type` from `datacontenttype`, every other attribute in a `ce_*`
 * header, the data as the JSON value, and the partition key as the Kafka
 * key.
 *
 * Written by hand rather than through the SDK's `new CloudEvent` +
 * `Kafka.binary`, which cost 14 µs per event here against about 1 µs for
 * this loop, on the path every gated request waits for
 * (docs/BENCHMARKS.md). For our envelopes (string attributes, JSON data)
 * the SDK's mapping is exactly this; cloudevents-codec.spec.ts checks the
 * two agree on generated envelopes, so the SDK stays the reference.
 */
export function envelopeToMessage(topic: string, envelope: EventEnvelope): TransportMessage {
  const headers: Record<string, string> = {};
  if (envelope.datacontenttype !== undefined) headers['content-type'] = envelope.datacontenttype;
  for (const name in envelope) {
    if (name === 'data' || name === 'data_base64') continue;
    const value = (envelope as unknown as Record<string, unknown>)[name];
    if (value !== undefined && value !== null) headers[`ce_${name}`] = String(value);
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
