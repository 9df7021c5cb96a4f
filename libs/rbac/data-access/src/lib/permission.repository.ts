import { Injectable } from '@nestjs/common';
import { asc, inArray } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { permissions } from './rbac.table';

/** A registered permission. */
export type Permission = typeof permissions.$inferSelect;

/** The registry of known permissions. Methods take an optional transaction handle. */
@Injectable()
export class PermissionRepository {
  constructor(private readonly db: Database) {}

  /** Registers the permissions not yet known; returns the ids that were new. */
  async registerMissing(
    entries: ReadonlyArray<{ id: string; description?: string }>,
    registeredBy: string,
    tx: DrizzleDb = this.db.drizzle,
  ): Promise<string[]> {
    if (entries.length === 0) return [];
    const rows = await tx
      .insert(permissions)
      .values(entries.map((e) => ({ id: e.id, description: e.description ?? '', registeredBy })))
      .onConflictDoNothing({ target: permissions.id })
      .returning({ id: permissions.id });
    return rows.map((r) => r.id);
  }

  async list(tx: DrizzleDb = this.db.drizzle): Promise<Permission[]> {
    return tx.select().from(permissions).orderBy(asc(permissions.id));
  }

  /** Which of `ids` are registered. */
  async known(ids: readonly string[], tx: DrizzleDb = this.db.drizzle): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx
      .select({ id: permissions.id })
      .from(permissions)
      .where(inArray(permissions.id, [...ids]));
    return new Set(rows.map((r) => r.id));
  }

  /** Every registered permission id. */
  async allIds(tx: DrizzleDb = this.db.drizzle): Promise<string[]> {
    return (await tx.select({ id: permissions.id }).from(permissions)).map((r) => r.id);
  }
}
