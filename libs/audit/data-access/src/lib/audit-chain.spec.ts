import { chainHash, GENESIS_HASH, type ChainedEvent } from './audit-chain';

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
