import fc from 'fast-check';
import type { RevocationSubject } from '@latchkey/contracts';
import { RevocationCache } from './revocation-cache';

const isv: RevocationSubject = { kind: 'isv', isvId: 'isv-1' };
const t = (iso: string) => new Date(iso);

function record(action: 'revoke' | 'reinstate', notBefore: string, subject: RevocationSubject = isv) {
  return { subject, notBefore, action, reason: 'ADMIN.MANUAL', alertId: null, actor: 'operator' } as const;
}

describe(RevocationCache.name, () => {
  it('refuses tokens issued before the watermark and accepts later ones', () => {
    const cache = new RevocationCache();
    cache.apply(record('revoke', '2026-01-01T12:00:00.000Z'));
    expect(cache.refuses([isv], t('2026-01-01T11:59:59.999Z'))).toBe(true);
    expect(cache.refuses([isv], t('2026-01-01T12:00:00.000Z'))).toBe(false);
  });

  it('keeps refusing old tokens after a reinstatement, but lets issuance resume', () => {
    const cache = new RevocationCache();
    cache.apply(record('revoke', '2026-01-01T12:00:00.000Z'));
    expect(cache.blocks([isv])).toBe(true);
    cache.apply(record('reinstate', '2026-01-01T12:00:00.000Z'));
    expect(cache.blocks([isv])).toBe(false);
    expect(cache.refuses([isv], t('2026-01-01T11:00:00.000Z'))).toBe(true);
  });

  it('refuses a token when any ancestor subject is revoked (cascade by lineage)', () => {
    const cache = new RevocationCache();
    cache.apply(record('revoke', '2026-01-01T12:00:00.000Z'));
    const client: RevocationSubject = {
      kind: 'isv-client',
      isvId: 'isv-1',
      resourceId: '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face',
    };
    expect(cache.refuses([{ kind: 'jti', jti: 'j-1' }, client, isv], t('2026-01-01T08:00:00.000Z'))).toBe(true);
    expect(cache.refuses([{ kind: 'jti', jti: 'j-1' }, client], t('2026-01-01T08:00:00.000Z'))).toBe(false);
  });

  it('never lowers a watermark, whatever order or repetition records arrive in', () => {
    const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('revoke' as const, 'reinstate' as const), instants), { minLength: 1, maxLength: 20 }),
        (records) => {
          const cache = new RevocationCache();
          for (const [action, at] of records) cache.apply(record(action, at));
          const highest = Math.max(...records.map(([, at]) => Date.parse(at)));
          expect(cache.get(isv)?.notBefore.getTime()).toBe(highest);
          expect(cache.get(isv)?.revoked).toBe(records[records.length - 1][0] === 'revoke');
        },
      ),
    );
  });
});
