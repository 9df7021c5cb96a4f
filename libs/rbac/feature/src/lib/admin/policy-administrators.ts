import { Injectable } from '@nestjs/common';
import type { AdminPermissionId } from '@latchkey/contracts';
import type { Transaction } from '@latchkey/persistence';
import { ANY_TENANT, RoleRepository, SubjectRepository } from '@latchkey/rbac/data-access';
import { rolesIncluding } from '../policy/role-graph';
import { RbacAdminError } from './rbac-admin.errors';

/** The permission that administers RBAC: its holder can change every role and assignment, and so give any other permission. */
export const POLICY_ADMINISTRATION: AdminPermissionId = 'rbac.policy:write';

/**
 * The last-administrator rule: a policy change must not leave nobody able to
 * administer RBAC, since only the break-glass key (unset by default on
 * PostgreSQL) could then recover. An administrator is a **person** holding
 * {@link POLICY_ADMINISTRATION} through an **unscoped** assignment, directly
 * or through inclusions. Applications do not count (any assignment registers
 * one, under any client id, and the exchange mints no app-only admin token),
 * nor do operator subjects (no credential reaches them), nor tenant-scoped
 * assignments (they open the admin API only to tokens of that one tenant).
 * The rule applies to every caller, the break-glass key included; a policy
 * that has no administrator yet (before the first person is given a role) is
 * not held by it.
 */
@Injectable()
export class PolicyAdministrators {
  constructor(
    private readonly roles: RoleRepository,
    private readonly subjects: SubjectRepository,
  ) {}

  /** Whether the policy, as `tx` sees it, has an administrator. */
  async exist(tx: Transaction): Promise<boolean> {
    const granting = await this.roles.grantingDirectly(POLICY_ADMINISTRATION, tx.drizzle);
    if (granting.length === 0) return false;
    const roles = rolesIncluding(granting, await this.roles.inclusions(tx.drizzle));
    return this.subjects.anyHolds(roles, { kind: 'person', tenantId: ANY_TENANT }, tx.drizzle);
  }

  /**
   * Makes `change` in `tx` and refuses it (RBAC.ADMIN_LAST_ADMINISTRATOR,
   * the transaction then rolls back) when it took away the last
   * administrator. Call under the policy lock: changes are serialised, so two
   * concurrent removals of the last two administrators cannot both see the
   * other one still there.
   */
  async keepOne<T>(tx: Transaction, change: () => Promise<T>): Promise<T> {
    const before = await this.exist(tx);
    const result = await change();
    if (before && !(await this.exist(tx))) {
      throw new RbacAdminError(
        'RBAC.ADMIN_LAST_ADMINISTRATOR',
        `This change would leave no person holding ${POLICY_ADMINISTRATION} in every tenant; give it to another person first.`,
      );
    }
    return result;
  }
}
