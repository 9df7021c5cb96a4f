import { CloudEvent, Kafka } from 'cloudevents';
import fc from 'fast-check';
import type { EventEnvelope } from '@latchkey/contracts';
import { envelopeToMessage, messageToRawEnvelope } from './cloudevents-codec';

/** The SDK's binary-mode message, as the codec used to build it: the reference our hand-written mapping must equal. */
function viaSdk(envelope: EventEnvelope): { key: unknown; value: string; headers: Record<string, string> } {
  const message = Kafka.binary(new CloudEvent<unknown>({ ...envelope }, false));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) if (value !== undefined && value !== null) headers[name] = String(value);
  return { key: message.key, value: JSON.stringify(message.value), headers };
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const attribute = fc.string({ minLength: 1, maxLength: 40 });
const envelopes: fc.Arbitrary<EventEnvelope> = fc.record(
  {
    specversion: fc.constant('1.0' as const),
    id: fc.uuid(),
    type: attribute,
    source: attribute,
    time: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    subject: attribute,
    datacontenttype: fc.constant('application/json' as const),
    partitionkey: attribute,
    traceparent: fc.tuple(hex(32), hex(16)).map(([t, s]) => `00-${t}-${s}-01`),
    tracestate: fc.string({ maxLength: 60 }),
    data: fc.jsonValue(),
  },
  { requiredKeys: ['specversion', 'id', 'type', 'source', 'time', 'datacontenttype', 'partitionkey', 'data'] },
);

describe('CloudEvents Kafka binary mode', () => {
  it('builds exactly the message the CloudEvents SDK builds, for any envelope', () => {
    fc.assert(
      fc.property(envelopes, (envelope) => {
        const ours = envelopeToMessage('lat.used', envelope);
        const sdk = viaSdk(envelope);
        expect(ours.headers).toEqual(sdk.headers);
        expect(ours.key).toBe(sdk.key);
        expect(ours.value.toString('utf8')).toBe(sdk.value);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back what it wrote', () => {
    fc.assert(
      fc.property(envelopes, (envelope) => {
        const parsed = messageToRawEnvelope(envelopeToMessage('lat.used', envelope));
        expect(parsed).toEqual({ ok: true, raw: JSON.parse(JSON.stringify(envelope)) });
      }),
      { numRuns: 200 },
    );
  });
});
