import { chainHash, GENESIS_HASH, type ChainedEvent } from './audit-chain';
import { firstBrokenLink } from './audit-verification';

const event: ChainedEvent = {
  eventId: 'e-1',
  type: 'com.latchkey.lat.issued.v1',
  topic: 'lat.issued',
  source: '/latchkey/issuer',
  subject: 'j-1',
  time: '2026-01-01T00:00:00.000Z',
  data: { b: 2, a: 1, nested: { y: [1, 2], x: 'z' } },
};

describe(chainHash.name, () => {
  it('is independent of the key order of the data (jsonb reorders keys)', () => {
    const reordered = { ...event, data: { nested: { x: 'z', y: [1, 2] }, a: 1, b: 2 } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, event);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, data: { ...(event.data as object), a: 3 } })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, subject: null })).not.toBe(base);
  });
});

describe(firstBrokenLink.name, () => {
  const row = (prev: string, e: ChainedEvent) => ({
    event_id: e.eventId,
    type: e.type,
    topic: e.topic,
    source: e.source,
    subject: e.subject,
    time: e.time,
    data: e.data,
    prev_hash: prev,
    hash: chainHash(prev, e),
  });
  const second = { ...event, eventId: 'e-2' };
  const chain = () => {
    const a = row(GENESIS_HASH, event);
    return [a, row(a.hash, second)];
  };

  it('accepts an intact chain', () => {
    expect(firstBrokenLink(chain())).toBe(-1);
  });

  it('names the first modified, reordered or deleted row', () => {
    const [a, b] = chain();
    expect(firstBrokenLink([a, { ...b, data: { forged: true } }])).toBe(1);
    expect(firstBrokenLink([b, a])).toBe(0);
    expect(firstBrokenLink([b])).toBe(0);
  });
});
