import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { ANY_TENANT, type SubjectKind } from '@latchkey/rbac/data-access';

/**
 * Casbin's RBAC with domains, the domains being Entra tenants:
 * - `p = role:<id>, <resource>, <action>`: a role's permission `resource:action`
 *   (roles grant the same permissions in every tenant);
 * - `g = <kind>:<id>, role:<id>, <tenant or *>`: a subject holds a role in one
 *   tenant or in every tenant (`*`);
 * - `g = role:<a>, role:<b>, <domain>`: role a includes role b, loaded into
 *   `*` and into every tenant that has assignments, so a chain never has to
 *   leave its domain;
 * - the matcher asks the request's tenant, then `*` (the unscoped
 *   assignments); it compares object and action first (Casbin's evaluator
 *   short-circuits `&&`), so the role graph is only walked for the policy
 *   rows of the permission asked about. A request without a tenant asks `*` only.
 * Plain domains rather than a domain matching function: with one, Casbin
 * merges every domain's links on each `g()` call (milliseconds on a few
 * thousand assignments); without, a call walks the subject's own links.
 */
export const RBAC_MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.obj == p.obj && r.act == p.act && (g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, "*"))
`;

/** The depth of inclusions below a role that Casbin still follows (its role manager stops at 10 links, one is the assignment). */
export const MAX_INCLUSION_DEPTH = 8;

/** Everything a decision needs, as loaded from the database at one policy version. */
export interface PolicySnapshot {
  readonly version: number;
  readonly permissions: readonly string[];
  readonly roles: ReadonlyArray<{ readonly id: string; readonly permissions: readonly string[] }>;
  readonly inclusions: ReadonlyArray<{ readonly roleId: string; readonly includedRoleId: string }>;
  readonly assignments: ReadonlyArray<{ readonly subjectId: string; readonly kind: SubjectKind; readonly roleId: string; readonly tenantId: string }>;
}

/** A subject as a decision names it. */
export interface SubjectRef {
  readonly kind: SubjectKind;
  readonly id: string;
}

const ROLE = 'role:';
const memberName = (subject: SubjectRef) => `${subject.kind}:${subject.id}`;
const roleName = (roleId: string) => `${ROLE}${roleId}`;

/** `resource:action` → [resource, action], split at the first colon. */
export function splitPermission(permission: string): [string, string] {
  const colon = permission.indexOf(':');
  return colon < 0 ? [permission, ''] : [permission.slice(0, colon), permission.slice(colon + 1)];
}

/** Answers one policy remembers; past this many it starts over. */
const REMEMBERED_ANSWERS_MAX = 100_000;
/** A remembered "no role grants it" (undefined would read as "not remembered"). */
const NO_ROLE = '';

/**
 * One loaded policy: a Casbin enforcer built from a snapshot, never changed
 * afterwards. Because it never changes, an answer for (subject, tenant,
 * permission) stays true for its lifetime and is remembered: Casbin's
 * matcher evaluation was the largest cost of the decision API.
 */
export class CasbinPolicy {
  private readonly answers = new Map<string, string>();

  private constructor(
    readonly version: number,
    private readonly enforcer: Enforcer,
    private readonly registered: ReadonlySet<string>,
  ) {}

  static async build(snapshot: PolicySnapshot): Promise<CasbinPolicy> {
    const enforcer = await newEnforcer(newModelFromString(RBAC_MODEL));
    const rules = unique(snapshot.roles.flatMap((role) => role.permissions.map((permission) => [roleName(role.id), ...splitPermission(permission)])));
    const domains = new Set([ANY_TENANT, ...snapshot.assignments.map((a) => a.tenantId)]);
    const links = unique([
      ...[...domains].flatMap((domain) => snapshot.inclusions.map((link) => [roleName(link.roleId), roleName(link.includedRoleId), domain])),
      ...snapshot.assignments.map((a) => [memberName({ kind: a.kind, id: a.subjectId }), roleName(a.roleId), a.tenantId]),
    ]);
    // addPolicies adds nothing when one rule exists already: the lists are deduplicated, so false means a bug.
    if (rules.length > 0 && !(await enforcer.addPolicies(rules))) throw new Error('the role permissions could not be loaded');
    if (links.length > 0 && !(await enforcer.addGroupingPolicies(links))) throw new Error('the role links could not be loaded');
    return new CasbinPolicy(snapshot.version, enforcer, new Set(snapshot.permissions));
  }

  /** Whether the permission is in the registry. */
  knows(permission: string): boolean {
    return this.registered.has(permission);
  }

  /**
   * The role whose permission grants `permission` to the subject in the
   * tenant (or, without a tenant, through unscoped assignments only), or
   * undefined: deny by default.
   */
  grantingRole(subject: SubjectRef, tenantId: string | undefined, permission: string): string | undefined {
    const key = `${subject.kind}\u0000${subject.id}\u0000${tenantId ?? ''}\u0000${permission}`;
    const remembered = this.answers.get(key);
    if (remembered !== undefined) return remembered === NO_ROLE ? undefined : remembered;
    const [resource, action] = splitPermission(permission);
    const [allowed, rule] = this.enforcer.enforceExSync(memberName(subject), tenantId ?? ANY_TENANT, resource, action);
    const granting = rule[0];
    const role = allowed && granting?.startsWith(ROLE) ? granting.slice(ROLE.length) : undefined;
    if (this.answers.size >= REMEMBERED_ANSWERS_MAX) this.answers.clear();
    this.answers.set(key, role ?? NO_ROLE);
    return role;
  }
}

function unique(rows: string[][]): string[][] {
  const seen = new Map(rows.map((row) => [row.join('\u0000'), row]));
  return [...seen.values()];
}
