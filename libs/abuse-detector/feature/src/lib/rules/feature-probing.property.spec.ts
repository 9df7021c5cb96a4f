import fc from 'fast-check';
import { LatRejectedV1 } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { FeatureProbingRule } from './feature-probing.rule';
import { at, contextKnowing } from './rule-testing';

const WINDOW = 60_000;

describe('FeatureProbingRule (properties)', () => {
  const resource = aResourceId();
  const probe = (ms: number) => anEnvelope(LatRejectedV1, { resourceId: resource, reason: 'LAT.FEATURE_MISSING' }, at(ms));

  it('never fires, in any arrival order, when no window holds the threshold of refusals', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 40 }), fc.integer({ min: 2, max: 8 }), (times, threshold) => {
        const densest = Math.max(0, ...times.map((t) => times.filter((u) => u > t - WINDOW && u <= t).length));
        fc.pre(densest < threshold);
        const rule = new FeatureProbingRule({ windowMs: WINDOW, threshold }, 100);
        expect(times.flatMap((t) => rule.consider(probe(t), contextKnowing()))).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('fires exactly on the refusal that brings an in-order burst to the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: Math.floor(WINDOW / 12) - 1 }), (threshold, gap) => {
        const rule = new FeatureProbingRule({ windowMs: WINDOW, threshold }, 100);
        const firedAt = Array.from({ length: threshold }, (_, i) => rule.consider(probe(i * gap), contextKnowing()).length);
        expect(firedAt).toEqual([...Array<number>(threshold - 1).fill(0), 1]);
      }),
      { numRuns: 50 },
    );
  });
});
