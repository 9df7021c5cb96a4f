import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';
import { PermissionRepository, RoleRepository, type Permission, type Role } from '@latchkey/rbac/data-access';
import { MAX_INCLUSION_DEPTH } from '../policy/casbin-policy';
import { PolicyChanges } from '../policy/policy-changes';
import { checkRoleGraph } from '../policy/role-graph';
import type { CreatePermission, CreateRole, UpdateRole } from './admin-request.schema';
import { PolicyAdministrators } from './policy-administrators';
import { RbacAdminError } from './rbac-admin.errors';

/** A role as the admin API shows it. */
export interface RoleView {
  readonly id: string;
  readonly description: string;
  readonly permissions: readonly string[];
  readonly includes: readonly string[];
  readonly createdAt: string;
}

/** A permission as the admin API shows it. */
export interface PermissionView {
  readonly id: string;
  readonly description: string;
  readonly registeredBy: string;
  readonly createdAt: string;
}

const roleView = (role: Role): RoleView => ({ ...role, permissions: [...role.permissions].sort(), createdAt: role.createdAt.toISOString() });
const permissionView = (p: Permission): PermissionView => ({ ...p, createdAt: p.createdAt.toISOString() });

/**
 * The operator's side of permissions and roles. Every change runs under the
 * policy lock and publishes one `rbac.changed` in its transaction. A role
 * grants only registered permissions, includes only existing roles, and
 * never reaches itself through its inclusions. A change of a role's
 * permissions or inclusions, or its deletion, that takes away the last
 * administrator is refused ({@link PolicyAdministrators}).
 */
@Injectable()
export class RoleAdministration {
  constructor(
    private readonly db: Database,
    private readonly roles: RoleRepository,
    private readonly permissions: PermissionRepository,
    private readonly changes: PolicyChanges,
    private readonly administrators: PolicyAdministrators,
  ) {}

  async listPermissions(): Promise<PermissionView[]> {
    return (await this.permissions.list()).map(permissionView);
  }

  async createPermission(input: CreatePermission): Promise<PermissionView> {
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      const added = await this.permissions.registerMissing([input], 'admin', tx.drizzle);
      if (added.length === 0) throw new RbacAdminError('RBAC.ADMIN_PERMISSION_EXISTS', 'This permission is registered already.');
      await this.changes.publish(tx, 'permission.upserted', { permissionId: input.id });
    });
    const created = (await this.permissions.list()).find((p) => p.id === input.id);
    if (!created) throw new Error('the permission just created is missing');
    return permissionView(created);
  }

  async listRoles(): Promise<RoleView[]> {
    return (await this.roles.list()).map(roleView);
  }

  async getRole(roleId: string): Promise<RoleView> {
    return roleView(found(await this.roles.findById(roleId)));
  }

  async createRole(input: CreateRole): Promise<RoleView> {
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      await this.checkPermissions(tx, input.permissions);
      await this.checkIncludes(tx, input.id, input.includes);
      const inserted = await this.roles.insertIfAbsent({ id: input.id, description: input.description, permissions: input.permissions }, tx.drizzle);
      if (!inserted) throw new RbacAdminError('RBAC.ADMIN_ROLE_EXISTS', 'A role with this id exists.');
      await this.roles.setIncludes(input.id, input.includes, tx.drizzle);
      await this.changes.publish(tx, 'role.upserted', { roleId: input.id });
    });
    return this.getRole(input.id);
  }

  async updateRole(roleId: string, changes: UpdateRole): Promise<RoleView> {
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      const role = found(await this.roles.findById(roleId, tx.drizzle));
      const permissions = changes.permissions ?? [...role.permissions];
      if (changes.permissions) await this.checkPermissions(tx, changes.permissions);
      if (changes.includes) await this.checkIncludes(tx, roleId, changes.includes);
      await this.administrators.keepOne(tx, async () => {
        await this.roles.upsert({ id: roleId, description: changes.description ?? role.description, permissions }, tx.drizzle);
        if (changes.includes) await this.roles.setIncludes(roleId, changes.includes, tx.drizzle);
      });
      await this.changes.publish(tx, 'role.upserted', { roleId });
    });
    return this.getRole(roleId);
  }

  /** Deletes a role and its assignments; refused while another role includes it, or when it is the last administrator's. */
  async deleteRole(roleId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      found(await this.roles.findById(roleId, tx.drizzle));
      if ((await this.roles.includersOf(roleId, tx.drizzle)).length > 0) {
        throw new RbacAdminError('RBAC.ADMIN_ROLE_INCLUDED', 'Another role includes this role; remove the inclusion first.');
      }
      await this.administrators.keepOne(tx, () => this.roles.delete(roleId, tx.drizzle));
      await this.changes.publish(tx, 'role.deleted', { roleId });
    });
  }

  private async checkPermissions(tx: Transaction, permissions: readonly string[]): Promise<void> {
    const known = await this.permissions.known(permissions, tx.drizzle);
    if (permissions.some((p) => !known.has(p))) {
      throw new RbacAdminError('RBAC.ADMIN_PERMISSION_UNKNOWN', 'The body field permissions names a permission that is not registered.');
    }
  }

  private async checkIncludes(tx: Transaction, roleId: string, includes: readonly string[]): Promise<void> {
    const existing = await this.roles.existing(
      includes.filter((id) => id !== roleId),
      tx.drizzle,
    );
    if (includes.some((id) => id !== roleId && !existing.has(id))) {
      throw new RbacAdminError('RBAC.ADMIN_ROLE_NOT_FOUND', 'The body field includes names a role that does not exist.');
    }
    const problem = checkRoleGraph(await this.roles.inclusions(tx.drizzle), roleId, includes, MAX_INCLUSION_DEPTH);
    if (problem === 'cycle') throw new RbacAdminError('RBAC.ADMIN_ROLE_CYCLE', 'The body field includes would make the role include itself.');
    if (problem === 'too-deep') {
      throw new RbacAdminError(
        'RBAC.ADMIN_ROLE_TOO_DEEP',
        `The body field includes would make a chain of more than ${MAX_INCLUSION_DEPTH} inclusions.`,
      );
    }
  }
}

function found(role: Role | undefined): Role {
  if (!role) throw new RbacAdminError('RBAC.ADMIN_ROLE_NOT_FOUND', 'There is no role with this id.');
  return role;
}
