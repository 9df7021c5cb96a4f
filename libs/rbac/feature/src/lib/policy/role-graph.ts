import type { RoleInclusion } from '@latchkey/rbac/data-access';

/** What is wrong with a set of inclusions, if anything. */
export type RoleGraphProblem = 'cycle' | 'too-deep';

/**
 * Checks the inclusion graph after `roleId`'s inclusions become `includes`:
 * no role may reach itself, and no chain of inclusions may be longer than
 * `maxDepth` links (Casbin's role manager would silently stop following it).
 */
export function checkRoleGraph(
  current: readonly RoleInclusion[],
  roleId: string,
  includes: readonly string[],
  maxDepth: number,
): RoleGraphProblem | undefined {
  const edges = new Map<string, string[]>();
  for (const link of current) if (link.roleId !== roleId) edges.set(link.roleId, [...(edges.get(link.roleId) ?? []), link.includedRoleId]);
  edges.set(roleId, [...includes]);
  // Longest chain below each role, memoised; a role met again on the current path is a cycle.
  const depth = new Map<string, number>();
  const onPath = new Set<string>();
  const visit = (role: string): number | 'cycle' => {
    const known = depth.get(role);
    if (known !== undefined) return known;
    if (onPath.has(role)) return 'cycle';
    onPath.add(role);
    let deepest = 0;
    for (const next of edges.get(role) ?? []) {
      const below = visit(next);
      if (below === 'cycle') return 'cycle';
      deepest = Math.max(deepest, below + 1);
    }
    onPath.delete(role);
    depth.set(role, deepest);
    return deepest;
  };
  for (const role of edges.keys()) {
    const result = visit(role);
    if (result === 'cycle') return 'cycle';
    if (result > maxDepth) return 'too-deep';
  }
  return undefined;
}

/**
 * The roles that grant what any of `granting` grants: those roles and every
 * role that reaches one of them through a chain of inclusions.
 */
export function rolesIncluding(granting: readonly string[], inclusions: readonly RoleInclusion[]): string[] {
  const includers = new Map<string, string[]>();
  for (const link of inclusions) includers.set(link.includedRoleId, [...(includers.get(link.includedRoleId) ?? []), link.roleId]);
  const found = new Set(granting);
  const pending = [...granting];
  for (let role = pending.pop(); role !== undefined; role = pending.pop()) {
    for (const includer of includers.get(role) ?? []) {
      if (found.has(includer)) continue;
      found.add(includer);
      pending.push(includer);
    }
  }
  return [...found].sort();
}
