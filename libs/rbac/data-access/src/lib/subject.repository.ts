import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { assignments, roles, subjects } from './rbac.table';

/** A subject RBAC knows. */
export type Subject = typeof subjects.$inferSelect;

/** Subjects, roles and assignments. Methods take an optional transaction handle. */
@Injectable()
export class SubjectRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string, tx: DrizzleDb = this.db.drizzle): Promise<Subject | undefined> {
    const [row] = await tx.select().from(subjects).where(eq(subjects.id, id)).limit(1);
    return row;
  }

  async insertIfAbsent(subject: typeof subjects.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx.insert(subjects).values(subject).onConflictDoNothing({ target: subjects.id }).returning({ id: subjects.id });
    return rows.length === 1;
  }

  async upsertRole(role: typeof roles.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<void> {
    await tx.insert(roles).values(role).onConflictDoUpdate({ target: roles.id, set: { description: role.description, permissions: role.permissions } });
  }

  async assign(subjectId: string, roleId: string, tx: DrizzleDb = this.db.drizzle): Promise<void> {
    await tx.insert(assignments).values({ subjectId, roleId }).onConflictDoNothing();
  }

  async rolesOf(subjectId: string): Promise<string[]> {
    const rows = await this.db.drizzle.select({ roleId: assignments.roleId }).from(assignments).where(eq(assignments.subjectId, subjectId));
    return rows.map((r) => r.roleId);
  }
}
