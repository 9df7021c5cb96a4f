import { z } from 'zod';
import { defineEvent } from './lib/define-event';
import { LatIssuedV1 } from './lib/events';
import { Topics } from './lib/topics';
import { anEnvelope, TEST_SOURCE } from './testing';

describe(anEnvelope.name, () => {
  it('builds a full envelope from the factory, with the test source', () => {
    const envelope = anEnvelope(LatIssuedV1, { isvId: 'isv-7' });
    expect(envelope.source).toBe(TEST_SOURCE);
    expect(envelope.data.isvId).toBe('isv-7');
    expect(envelope.partitionkey).toBe('isv-7');
  });

  it('takes envelope options such as the id', () => {
    expect(anEnvelope(LatIssuedV1, {}, { id: 'evt-7' }).id).toBe('evt-7');
  });

  it('rejects overrides that make the data invalid', () => {
    expect(() => anEnvelope(LatIssuedV1, { features: [] })).toThrow();
  });

  it('needs the whole data for an event without a factory', () => {
    const Custom = defineEvent({
      type: 'com.latchkey.test.custom.v1',
      topic: Topics.AbuseAlert,
      data: z.object({ id: z.string() }),
      key: (d) => d.id,
      subject: (d) => d.id,
    });
    expect(anEnvelope(Custom, { id: 'c1' }).partitionkey).toBe('c1');
    expect(() => anEnvelope(Custom)).toThrow();
  });
});
