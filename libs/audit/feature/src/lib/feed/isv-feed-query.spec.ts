import { encodeAuditCursor } from '@latchkey/audit/data-access';
import { AccessRevocationV1, LatIssuedV1, LatUsedV1 } from '@latchkey/contracts';
import { AuditFeedError } from './audit-feed.errors';
import { ISV_FEED_EVENTS, parseIsvFeedQuery } from './isv-feed-query';

function refusalOf(query: unknown): string {
  try {
    parseIsvFeedQuery(query);
  } catch (error) {
    if (error instanceof AuditFeedError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(parseIsvFeedQuery.name, () => {
  it('reads every feed event, oldest first, 100 at a time by default', () => {
    expect(parseIsvFeedQuery({})).toEqual({ types: ISV_FEED_EVENTS.map((e) => e.type), order: 'asc', limit: 100 });
  });

  it('reads the filters, the page size and a cursor of the same order', () => {
    const cursor = encodeAuditCursor({ seq: 42, order: 'desc' });
    expect(
      parseIsvFeedQuery({
        type: 'lat.used,com.latchkey.lat.issued.v1',
        from: '2030-01-01T00:00:00Z',
        to: '2030-01-02T00:00:00Z',
        order: 'desc',
        limit: '7',
        cursor,
      }),
    ).toEqual({
      types: [LatUsedV1.type, LatIssuedV1.type],
      from: new Date('2030-01-01T00:00:00Z'),
      to: new Date('2030-01-02T00:00:00Z'),
      order: 'desc',
      limit: 7,
      cursor: { seq: 42, order: 'desc' },
      resourceId: undefined,
    });
    expect(parseIsvFeedQuery({ type: ['access.revocation'] }).types).toEqual([AccessRevocationV1.type]);
  });

  it.each([
    ['an event outside the feed', { type: 'exchange.completed' }, 'type'],
    ['an unknown event', { type: 'lat.everything' }, 'type'],
    ['an abuse alert (about the ISV, but internal)', { type: 'abuse.alert' }, 'type'],
    ['a limit above 1000', { limit: '1001' }, 'limit'],
    ['a zero limit', { limit: '0' }, 'limit'],
    ['a repeated limit', { limit: ['5', '6'] }, 'limit'],
    ['a date that is not ISO 8601', { from: 'yesterday' }, 'from'],
    // PostgreSQL refuses year 0: an ISV could otherwise cause a logged 500 at will.
    ['year 0', { from: '0000-01-01T00:00:00Z' }, 'from'],
    ['before 1970', { to: '1969-12-31T23:59:59Z' }, 'to'],
    ['from not before to', { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'from must be before to'],
    ['a resource id that is not one', { resourceId: 'face-one' }, 'resourceId'],
    ['a forged cursor', { cursor: 'eyJ2IjoxfQ' }, 'cursor'],
    ['a cursor of the other order', { cursor: encodeAuditCursor({ seq: 1, order: 'asc' }), order: 'desc' }, 'cursor'],
    ['an isvId parameter (the ISV comes from the token)', { isvId: 'isv-b' }, 'an unknown parameter'],
  ])('refuses %s', (_why, query, named) => {
    const refusal = refusalOf(query);
    expect(refusal).toMatch(/^AUDIT\.FEED_QUERY_INVALID: /);
    expect(refusal).toContain(named);
  });
});
