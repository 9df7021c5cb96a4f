import { LatUsedV1 } from '@latchkey/contracts';
import { anEnvelope } from '@latchkey/contracts/testing';
import { countRecords, decodeRecords, encodeRecords, type SpooledEvent } from './spool-record';

function events(n: number): SpooledEvent[] {
  return Array.from({ length: n }, () => ({ topic: LatUsedV1.topic, envelope: anEnvelope(LatUsedV1) }));
}

describe('spool records', () => {
  it('round-trips events as one NDJSON line each, in order', () => {
    const written = events(3);
    const content = encodeRecords(written);

    expect(content.toString('utf8').split('\n')).toHaveLength(4);
    expect(countRecords(content)).toBe(3);
    expect(decodeRecords(content)).toEqual({ events: written, tornBytes: 0, invalidLines: [] });
  });

  it('keeps a newline inside event data escaped, so it cannot split a record', () => {
    const [event] = events(1);
    const tricky = { ...event, envelope: { ...event.envelope, data: { note: 'line one\nline two' } } };

    expect(countRecords(encodeRecords([tricky]))).toBe(1);
    expect(decodeRecords(encodeRecords([tricky])).events).toEqual([tricky]);
  });

  it('skips a torn trailing line and says how many bytes it had', () => {
    const whole = encodeRecords(events(2));
    const torn = encodeRecords(events(1)).subarray(0, 40);

    const decoded = decodeRecords(Buffer.concat([whole, torn]));

    expect(decoded.events).toHaveLength(2);
    expect(decoded.tornBytes).toBe(40);
    expect(countRecords(Buffer.concat([whole, torn]))).toBe(2);
  });

  it('reports complete lines that are not records instead of failing the segment', () => {
    const [first, second] = events(2);
    const content = Buffer.concat([
      encodeRecords([first]),
      Buffer.from('{"not json\n{"topic":"lat.used","envelope":{"id":"x"}}\n'),
      encodeRecords([second]),
    ]);

    expect(decodeRecords(content)).toEqual({ events: [first, second], tornBytes: 0, invalidLines: [2, 3] });
  });
});
