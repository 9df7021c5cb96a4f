import { Injectable } from '@nestjs/common';
import { arrayContains, asc, eq, inArray } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { roleIncludes, roles } from './rbac.table';

/** A role with the roles it includes. */
export interface Role {
  readonly id: string;
  readonly description: string;
  readonly permissions: readonly string[];
  readonly includes: readonly string[];
  readonly createdAt: Date;
}

/** One inclusion: `roleId` grants what `includedRoleId` grants. */
export interface RoleInclusion {
  readonly roleId: string;
  readonly includedRoleId: string;
}

/** Roles, their permissions and their inclusions. Methods take an optional transaction handle. */
@Injectable()
export class RoleRepository {
  constructor(private readonly db: Database) {}

  /** Creates or replaces the role's description and permissions (its inclusions are set apart). */
  async upsert(role: typeof roles.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<void> {
    await tx
      .insert(roles)
      .values(role)
      .onConflictDoUpdate({ target: roles.id, set: { description: role.description, permissions: role.permissions } });
  }

  /** Inserts a new role; false when the id exists. */
  async insertIfAbsent(role: typeof roles.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx.insert(roles).values(role).onConflictDoNothing({ target: roles.id }).returning({ id: roles.id });
    return rows.length === 1;
  }

  /** Replaces the roles `roleId` includes. */
  async setIncludes(roleId: string, included: readonly string[], tx: DrizzleDb = this.db.drizzle): Promise<void> {
    await tx.delete(roleIncludes).where(eq(roleIncludes.roleId, roleId));
    if (included.length > 0) await tx.insert(roleIncludes).values(included.map((includedRoleId) => ({ roleId, includedRoleId })));
  }

  /** Deletes the role (its assignments and its own inclusions go with it); false when absent. */
  async delete(roleId: string, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx.delete(roles).where(eq(roles.id, roleId)).returning({ id: roles.id });
    return rows.length === 1;
  }

  async findById(roleId: string, tx: DrizzleDb = this.db.drizzle): Promise<Role | undefined> {
    const [row] = await tx.select().from(roles).where(eq(roles.id, roleId)).limit(1);
    if (!row) return undefined;
    const includes = await tx.select({ id: roleIncludes.includedRoleId }).from(roleIncludes).where(eq(roleIncludes.roleId, roleId));
    return { ...row, includes: includes.map((r) => r.id).sort() };
  }

  /** Every role with its inclusions, by id. */
  async list(tx: DrizzleDb = this.db.drizzle): Promise<Role[]> {
    const [rows, links] = [await tx.select().from(roles).orderBy(asc(roles.id)), await this.inclusions(tx)];
    return rows.map((row) => ({
      ...row,
      includes: links
        .filter((l) => l.roleId === row.id)
        .map((l) => l.includedRoleId)
        .sort(),
    }));
  }

  /** Which of `ids` exist. */
  async existing(ids: readonly string[], tx: DrizzleDb = this.db.drizzle): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx
      .select({ id: roles.id })
      .from(roles)
      .where(inArray(roles.id, [...ids]));
    return new Set(rows.map((r) => r.id));
  }

  /** The roles whose own permissions hold `permission` (not counting the roles they include). */
  async grantingDirectly(permission: string, tx: DrizzleDb = this.db.drizzle): Promise<string[]> {
    const rows = await tx
      .select({ id: roles.id })
      .from(roles)
      .where(arrayContains(roles.permissions, [permission]));
    return rows.map((r) => r.id).sort();
  }

  /** Every inclusion link. */
  async inclusions(tx: DrizzleDb = this.db.drizzle): Promise<RoleInclusion[]> {
    return tx.select({ roleId: roleIncludes.roleId, includedRoleId: roleIncludes.includedRoleId }).from(roleIncludes);
  }

  /** The roles that include `roleId`. */
  async includersOf(roleId: string, tx: DrizzleDb = this.db.drizzle): Promise<string[]> {
    const rows = await tx.select({ id: roleIncludes.roleId }).from(roleIncludes).where(eq(roleIncludes.includedRoleId, roleId));
    return rows.map((r) => r.id).sort();
  }
}
