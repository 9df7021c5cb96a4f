import { encodeAuditCursor } from '@latchkey/audit/data-access';
import { LatIssuedV1, LatUsedV1, type AuditAdminErrorCode } from '@latchkey/contracts';
import { AuditAdminError } from './audit-admin.errors';
import { parseEventsQuery, parseExportQuery, parseNoQuery, parseUsageQuery } from './audit-query-params';

const RESOURCE = '/subscriptions/0B1C2D3E-0000-4000-8000-000000000001/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/Face-One';

/** The code `parse` refuses with, or 'accepted'. */
function refusal(parse: (raw: unknown) => unknown, raw: unknown): AuditAdminErrorCode | 'accepted' {
  try {
    parse(raw);
    return 'accepted';
  } catch (error) {
    if (error instanceof AuditAdminError) return error.code;
    throw error;
  }
}

describe(parseEventsQuery.name, () => {
  it('defaults to the first 100 events in chain order, unfiltered', () => {
    expect(parseEventsQuery({})).toEqual({ filter: { from: undefined, to: undefined }, limit: 100, order: 'asc', cursor: undefined });
  });

  it('reads every filter, short and full type names, and a cursor of the same order', () => {
    const cursor = encodeAuditCursor({ seq: 42, order: 'desc' });
    const parsed = parseEventsQuery({
      type: `lat.used, ${LatIssuedV1.type}`,
      isvId: 'isv-1',
      resourceId: RESOURCE,
      jti: 'j-1',
      personId: 'p-1',
      outcome: 'denied',
      reason: 'LAT.EXPIRED',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      from: '2030-01-01T00:00:00+02:00',
      to: '2030-01-02T00:00:00Z',
      order: 'desc',
      limit: '1000',
      cursor,
    });
    expect(parsed).toEqual({
      filter: {
        types: [LatUsedV1.type, LatIssuedV1.type],
        isvId: 'isv-1',
        resourceId: RESOURCE,
        jti: 'j-1',
        personId: 'p-1',
        outcome: 'denied',
        reason: 'LAT.EXPIRED',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        from: new Date('2029-12-31T22:00:00Z'),
        to: new Date('2030-01-02T00:00:00Z'),
      },
      limit: 1000,
      order: 'desc',
      cursor: { seq: 42, order: 'desc' },
    });
  });

  it.each<[string, Record<string, unknown>, AuditAdminErrorCode]>([
    ['an unknown parameter', { isv: 'isv-1' }, 'AUDIT.QUERY_PARAMETER_UNKNOWN'],
    ['a repeated parameter', { isvId: ['isv-1', 'isv-2'] }, 'AUDIT.QUERY_PARAMETER_REPEATED'],
    ['a repeated type', { type: ['lat.used', 'lat.issued'] }, 'AUDIT.QUERY_PARAMETER_REPEATED'],
    ['a limit of 0', { limit: '0' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a limit over 1000', { limit: '1001' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a limit that is not a number', { limit: '10abc' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an empty limit', { limit: '' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an unknown order', { order: 'up' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an unknown outcome', { outcome: 'allowed' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a reason that is not a code', { reason: 'expired' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a trace id in upper case', { traceId: '0AF7651916CD43DD8448EB211C80319C' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a resource id that is not one', { resourceId: 'face-one' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an id with a space', { jti: 'a b' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a time without offset', { from: '2030-01-01T00:00:00' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a date where an instant is due', { to: '2030-01-01' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an impossible instant', { from: '2030-02-30T00:00:00Z' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    // PostgreSQL refuses year 0 and six-digit years: a refusal here, not a 500 from the query.
    ['year 0', { from: '0000-01-01T00:00:00Z' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['year 1 at an offset that makes it year 0', { from: '0001-01-01T00:00:00+01:00' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an instant before 1970', { to: '1969-12-31T23:59:59Z' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an unknown event type', { type: 'lat.use' }, 'AUDIT.QUERY_EVENT_TYPE_UNKNOWN'],
    ['an empty type name', { type: 'lat.used,' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a forged cursor', { cursor: 'eyJ2IjoxfQ' }, 'AUDIT.QUERY_CURSOR_INVALID'],
    ['a cursor of the other order', { cursor: encodeAuditCursor({ seq: 3, order: 'asc' }), order: 'desc' }, 'AUDIT.QUERY_CURSOR_INVALID'],
    ['from after to', { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'AUDIT.QUERY_RANGE_INVALID'],
    ['from equal to to', { from: '2030-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'AUDIT.QUERY_RANGE_INVALID'],
  ])('refuses %s', (_what, raw, code) => {
    expect(refusal(parseEventsQuery, raw)).toBe(code);
  });

  it('never echoes a refused value', () => {
    const secret = 'lk_isv_0123456789abcdef0123456789abcdef';
    for (const raw of [{ isvId: `${secret} x` }, { [secret]: '1' }, { cursor: secret }, { type: secret }]) {
      try {
        parseEventsQuery(raw);
        throw new Error('accepted');
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });
});

describe(parseExportQuery.name, () => {
  it('takes the filters but no paging', () => {
    expect(parseExportQuery({ isvId: 'isv-1' })).toEqual({ isvId: 'isv-1', from: undefined, to: undefined });
    expect(refusal(parseExportQuery, { limit: '10' })).toBe('AUDIT.QUERY_PARAMETER_UNKNOWN');
    expect(refusal(parseExportQuery, { cursor: 'x' })).toBe('AUDIT.QUERY_PARAMETER_UNKNOWN');
  });
});

describe(parseNoQuery.name, () => {
  it('refuses any parameter', () => {
    expect(refusal(parseNoQuery, {})).toBe('accepted');
    expect(refusal(parseNoQuery, { since: '1' })).toBe('AUDIT.QUERY_PARAMETER_UNKNOWN');
  });
});

describe(parseUsageQuery.name, () => {
  it('covers whole UTC days, the last one included', () => {
    expect(parseUsageQuery({ from: '2030-01-01', to: '2030-01-31', isvId: 'isv-1' })).toEqual({
      from: new Date('2030-01-01T00:00:00Z'),
      to: new Date('2030-02-01T00:00:00Z'),
      isvId: 'isv-1',
      resourceId: undefined,
    });
    expect(parseUsageQuery({ from: '2030-01-01', to: '2030-01-01' }).to).toEqual(new Date('2030-01-02T00:00:00Z'));
    expect(parseUsageQuery({ from: '9999-12-30', to: '9999-12-30' }).to).toEqual(new Date('9999-12-31T00:00:00Z'));
  });

  it.each<[string, Record<string, unknown>, AuditAdminErrorCode]>([
    ['no from', { to: '2030-01-01' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a day that does not exist', { from: '2030-02-30', to: '2030-03-01' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['an instant where a day is due', { from: '2030-01-01T00:00:00Z', to: '2030-01-02' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a day in another format', { from: '01/01/2030', to: '2030-01-02' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['to before from', { from: '2030-01-02', to: '2030-01-01' }, 'AUDIT.QUERY_RANGE_INVALID'],
    ['more than 366 days', { from: '2030-01-01', to: '2031-01-02' }, 'AUDIT.QUERY_RANGE_INVALID'],
    ['a filter of /events', { from: '2030-01-01', to: '2030-01-02', jti: 'j' }, 'AUDIT.QUERY_PARAMETER_UNKNOWN'],
    ['a repeated day', { from: ['2030-01-01', '2030-01-02'], to: '2030-01-02' }, 'AUDIT.QUERY_PARAMETER_REPEATED'],
    // The summary ends the day after `to`: 9999-12-31 would end in year 10000, which PostgreSQL refuses.
    ['the last day of 9999', { from: '9999-12-31', to: '9999-12-31' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
    ['a day before 1970', { from: '1969-12-31', to: '1970-01-01' }, 'AUDIT.QUERY_PARAMETER_INVALID'],
  ])('refuses %s', (_what, raw, code) => {
    expect(refusal(parseUsageQuery, raw)).toBe(code);
  });
});
