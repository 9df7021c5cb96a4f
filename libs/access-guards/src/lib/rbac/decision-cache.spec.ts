import { DecisionCache } from './decision-cache';
import type { DecisionQuery } from './decision-client';

const QUERY: DecisionQuery = { subject: { kind: 'person', id: 'person-1' }, permission: 'reports:read', tenantId: 't-1' };
const ALLOW = { decision: 'allow', reason: 'role reader' } as const;

describe(DecisionCache.name, () => {
  let now = 0;
  const cache = () => new DecisionCache({ ttlMs: 1000, maxEntries: 2, now: () => now });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('serves a decision younger than the TTL and drops it at the TTL', () => {
    const decisions = cache();
    decisions.store(QUERY, ALLOW, decisions.generation);
    now += 999;
    expect(decisions.fresh(QUERY)).toEqual(ALLOW);
    now += 1;
    expect(decisions.fresh(QUERY)).toBeUndefined();
  });

  it('keeps decisions apart per subject kind, permission and tenant', () => {
    const decisions = cache();
    decisions.store(QUERY, ALLOW, decisions.generation);
    expect(decisions.fresh({ ...QUERY, subject: { kind: 'application', id: 'person-1' } })).toBeUndefined();
    expect(decisions.fresh({ ...QUERY, tenantId: 't-2' })).toBeUndefined();
    expect(decisions.fresh({ ...QUERY, permission: 'reports:write' })).toBeUndefined();
  });

  it('does not store a decision fetched while a change arrived (it may predate the change)', () => {
    const decisions = cache();
    const before = decisions.generation;
    expect(decisions.applyChange(1)).toBe(true);
    decisions.store(QUERY, ALLOW, before);
    expect(decisions.fresh(QUERY)).toBeUndefined();
  });

  it('clears on a newer version, ignores the version already applied', () => {
    const decisions = cache();
    decisions.applyChange(5);
    decisions.store(QUERY, ALLOW, decisions.generation);
    expect(decisions.applyChange(5)).toBe(false);
    expect(decisions.fresh(QUERY)).toEqual(ALLOW);
    expect(decisions.applyChange(6)).toBe(true);
    expect({ held: decisions.fresh(QUERY), version: decisions.version }).toEqual({ held: undefined, version: 6 });
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const decisions = cache();
    const other = (id: string): DecisionQuery => ({ ...QUERY, subject: { kind: 'person', id } });
    for (const id of ['a', 'b', 'c']) decisions.store(other(id), ALLOW, decisions.generation);
    expect([decisions.size, decisions.fresh(other('a')), decisions.fresh(other('c'))]).toEqual([2, undefined, ALLOW]);
  });
});
