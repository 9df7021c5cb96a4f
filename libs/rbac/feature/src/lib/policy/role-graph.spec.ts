import { checkRoleGraph, rolesIncluding } from './role-graph';

const link = (roleId: string, includedRoleId: string) => ({ roleId, includedRoleId });

describe(checkRoleGraph.name, () => {
  it('accepts a tree and a diamond', () => {
    const current = [link('a', 'b'), link('a', 'c'), link('b', 'd')];
    expect(checkRoleGraph(current, 'c', ['d'], 8)).toBeUndefined();
  });

  it('finds a cycle through the new inclusions, including a role including itself', () => {
    expect(checkRoleGraph([link('a', 'b'), link('b', 'c')], 'c', ['a'], 8)).toBe('cycle');
    expect(checkRoleGraph([], 'a', ['a'], 8)).toBe('cycle');
  });

  it('replaces the role’s own inclusions rather than adding to them', () => {
    expect(checkRoleGraph([link('a', 'b'), link('b', 'a')], 'b', [], 8)).toBeUndefined();
  });

  it('finds a chain longer than the limit', () => {
    const chain = [link('r1', 'r2'), link('r2', 'r3')];
    expect(checkRoleGraph(chain, 'r0', ['r1'], 3)).toBeUndefined();
    expect(checkRoleGraph(chain, 'r0', ['r1'], 2)).toBe('too-deep');
  });
});

describe(rolesIncluding.name, () => {
  it('finds every role that reaches a granting role through inclusions, and no other', () => {
    const links = [link('a', 'b'), link('b', 'c'), link('d', 'c'), link('c', 'e'), link('f', 'a')];

    expect(rolesIncluding(['c'], links)).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(rolesIncluding(['e', 'x'], [])).toEqual(['e', 'x']);
    expect(rolesIncluding([], links)).toEqual([]);
  });

  it('ends on a cycle', () => {
    expect(rolesIncluding(['a'], [link('a', 'b'), link('b', 'a')])).toEqual(['a', 'b']);
  });
});
