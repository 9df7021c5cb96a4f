import { LatIssueDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { foldUsage, type UsageCountRow } from './audit-usage';

const row = (over: Partial<UsageCountRow>): UsageCountRow => ({
  isv_id: 'isv-a',
  resource_id: 'r1',
  day: '2030-01-01',
  type: LatIssuedV1.type,
  feature: null,
  reason: null,
  no_feature: 1,
  no_reason: 1,
  n: '1',
  ...over,
});
const total = (type: string, n: number, over: Partial<UsageCountRow> = {}) => row({ type, n: String(n), ...over });
const byFeature = (type: string, feature: string | null, n: number) => row({ type, feature, no_feature: 0, n: String(n) });
const byReason = (type: string, reason: string, n: number) => row({ type, reason, no_reason: 0, n: String(n) });

describe(foldUsage.name, () => {
  it('takes the totals from the total rows and the breakdowns from theirs, never adding one to the other', () => {
    const [summary] = foldUsage([
      total(LatIssuedV1.type, 4),
      byFeature(LatIssuedV1.type, null, 4),
      byReason(LatIssuedV1.type, 'X.Y', 4),
      total(LatUsedV1.type, 3),
      byFeature(LatUsedV1.type, 'Face.Identification', 3),
      total(LatRejectedV1.type, 2),
      byFeature(LatRejectedV1.type, 'Face.Verification', 1),
      byFeature(LatRejectedV1.type, null, 1),
      byReason(LatRejectedV1.type, 'LAT.EXPIRED', 2),
      total(LatIssueDeniedV1.type, 1),
      byFeature(LatIssueDeniedV1.type, 'Face.Verification', 1),
      byFeature(LatIssueDeniedV1.type, 'Face.Everything', 1),
      byReason(LatIssueDeniedV1.type, 'ISSUER.FEATURE_NOT_GRANTED', 1),
    ]);
    expect(summary).toEqual({
      day: '2030-01-01',
      isvId: 'isv-a',
      resourceId: 'r1',
      issued: 4,
      used: 3,
      denied: 3,
      deniedByFeature: { 'Face.Verification': 2, 'Face.Everything': 1 },
      deniedByReason: { 'LAT.EXPIRED': 2, 'ISSUER.FEATURE_NOT_GRANTED': 1 },
      usedByFeature: { 'Face.Identification': 3 },
    });
  });

  it('keeps one summary per day, ISV and resource, ordered by day then ISV then resource, unknown ones last', () => {
    const keys = foldUsage([
      total(LatIssuedV1.type, 1, { day: '2030-01-02', isv_id: 'isv-a' }),
      total(LatIssueDeniedV1.type, 1, { day: '2030-01-01', isv_id: null, resource_id: null }),
      total(LatIssuedV1.type, 1, { day: '2030-01-01', isv_id: 'isv-b' }),
      total(LatIssuedV1.type, 1, { day: '2030-01-01', isv_id: 'isv-a', resource_id: 'r2' }),
      total(LatUsedV1.type, 1, { day: '2030-01-01', isv_id: 'isv-a', resource_id: 'r2' }),
    ]).map((s) => [s.day, s.isvId, s.resourceId, s.issued + s.used + s.denied]);
    expect(keys).toEqual([
      ['2030-01-01', 'isv-a', 'r2', 2],
      ['2030-01-01', 'isv-b', 'r1', 1],
      ['2030-01-01', null, null, 1],
      ['2030-01-02', 'isv-a', 'r1', 1],
    ]);
  });

  it('ignores events it does not count', () => {
    expect(foldUsage([total('com.latchkey.abuse.alert.v1', 9)])).toEqual([
      expect.objectContaining({ issued: 0, used: 0, denied: 0, deniedByFeature: {}, deniedByReason: {} }),
    ]);
  });
});
