import type { AuditEventFilter, AuditEventRecord, AuditQueryRepository, IssuedJtiRepository } from '@latchkey/audit/data-access';
import { LatIssuedV1, LatRejectedV1 } from '@latchkey/contracts';
import { ReadIsvFeedUseCase } from './read-isv-feed.use-case';

const event = (seq: number, type: string, isvId: string | null, jti: string | null, reason: string | null = null) =>
  ({
    seq,
    eventId: `evt-${seq}`,
    type,
    topic: type.split('.').slice(2, 4).join('.'),
    time: new Date(0),
    data: { jti, isvId },
    facets: { isvId, jti, reason },
  }) as unknown as AuditEventRecord;

describe(ReadIsvFeedUseCase.name, () => {
  const filters: AuditEventFilter[] = [];
  const stored = [
    event(1, LatIssuedV1.type, 'isv-a', 'jti-a'),
    event(2, LatRejectedV1.type, 'isv-a', 'jti-a', 'LAT.EXPIRED'), // A's own token, refused
    event(3, LatRejectedV1.type, 'isv-a', 'jti-forged', 'LAT.EXPIRED'), // a token naming A with a jti A was never issued
    event(4, LatRejectedV1.type, 'isv-a', null, 'LAT.MALFORMED'),
    event(6, LatRejectedV1.type, 'isv-a', 'jti-a', 'LAT.BAD_SIGNATURE'), // a forgery copying A's real jti: its bytes are anyone's
    event(7, LatRejectedV1.type, 'isv-a', 'jti-a', 'LAT.UNKNOWN_KEY'),
    event(5, LatIssuedV1.type, 'isv-b', 'jti-b'), // never returned for A; here to prove the belt and braces
  ];
  const repository = {
    page: async (filter: AuditEventFilter) => {
      filters.push(filter);
      return { items: stored, next: { seq: 5, order: 'asc' as const } };
    },
  } as unknown as AuditQueryRepository;
  const issued = {
    issuedTo: async (isvId: string, jtis: readonly string[]) => new Set(jtis.filter((j) => isvId === 'isv-a' && j === 'jti-a')),
  } as unknown as IssuedJtiRepository;

  it('selects by the ISV and keeps only rejections of verified tokens issued to it', async () => {
    const page = await new ReadIsvFeedUseCase(repository, issued).execute('isv-a', { types: [LatIssuedV1.type], order: 'asc', limit: 10 });
    expect(filters.at(-1)).toMatchObject({ isvId: 'isv-a', types: [LatIssuedV1.type] });
    expect(page.items.map((i) => i.id)).toEqual(['evt-1', 'evt-2']);
    expect(page.next).toEqual(expect.any(String));
    expect(page.isvId).toBe('isv-a');
  });
});
