import { Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { ANY_TENANT, assignments, subjects } from './rbac.table';

/** A subject RBAC knows. */
export type Subject = typeof subjects.$inferSelect;

/** The kinds of subject: people, OAuth applications (app-only tokens, by client id) and operators. */
export type SubjectKind = Subject['kind'];

/** One role held by one subject, in one tenant or in every tenant ({@link ANY_TENANT}). */
export interface Assignment {
  readonly subjectId: string;
  readonly roleId: string;
  readonly tenantId: string;
}

/** Subjects and their role assignments. Methods take an optional transaction handle. */
@Injectable()
export class SubjectRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string, tx: DrizzleDb = this.db.drizzle): Promise<Subject | undefined> {
    const [row] = await tx.select().from(subjects).where(eq(subjects.id, id)).limit(1);
    return row;
  }

  /** The kind of the subject `id`, if it exists: the decision API's question on a denial, as one plain statement. */
  async kindOf(id: string): Promise<SubjectKind | undefined> {
    const [row] = await this.db.query<{ kind: SubjectKind }>('SELECT kind FROM rbac.subjects WHERE id = $1', [id]);
    return row?.kind;
  }

  /** Subjects by kind (or all), by id, at most `limit`. */
  async list(options: { kind?: SubjectKind; limit: number }, tx: DrizzleDb = this.db.drizzle): Promise<Subject[]> {
    const query = tx.select().from(subjects);
    const filtered = options.kind ? query.where(eq(subjects.kind, options.kind)) : query;
    return filtered.orderBy(asc(subjects.id)).limit(options.limit);
  }

  async insertIfAbsent(subject: typeof subjects.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx.insert(subjects).values(subject).onConflictDoNothing({ target: subjects.id }).returning({ id: subjects.id });
    return rows.length === 1;
  }

  /** Adds the assignment; false when it existed. */
  async assign(subjectId: string, roleId: string, tx: DrizzleDb = this.db.drizzle, tenantId: string = ANY_TENANT): Promise<boolean> {
    const rows = await tx.insert(assignments).values({ subjectId, roleId, tenantId }).onConflictDoNothing().returning({ roleId: assignments.roleId });
    return rows.length === 1;
  }

  /** Removes the assignment; false when there was none. */
  async unassign(assignment: Assignment, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx
      .delete(assignments)
      .where(
        and(
          eq(assignments.subjectId, assignment.subjectId),
          eq(assignments.roleId, assignment.roleId),
          eq(assignments.tenantId, assignment.tenantId),
        ),
      )
      .returning({ roleId: assignments.roleId });
    return rows.length === 1;
  }

  /** Whether any subject of `kind` holds one of `roleIds` in `tenantId` exactly ({@link ANY_TENANT}: the unscoped assignments only). */
  async anyHolds(roleIds: readonly string[], where: { kind: SubjectKind; tenantId: string }, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    if (roleIds.length === 0) return false;
    const rows = await tx
      .select({ subjectId: assignments.subjectId })
      .from(assignments)
      .innerJoin(subjects, eq(subjects.id, assignments.subjectId))
      .where(and(inArray(assignments.roleId, [...roleIds]), eq(assignments.tenantId, where.tenantId), eq(subjects.kind, where.kind)))
      .limit(1);
    return rows.length === 1;
  }

  /** The role ids a subject holds, in any tenant. */
  async rolesOf(subjectId: string): Promise<string[]> {
    const rows = await this.db.drizzle.select({ roleId: assignments.roleId }).from(assignments).where(eq(assignments.subjectId, subjectId));
    return [...new Set(rows.map((r) => r.roleId))];
  }

  /** The assignments of the given subjects (all subjects when `subjectIds` is undefined). */
  async assignmentsOf(subjectIds: readonly string[] | undefined, tx: DrizzleDb = this.db.drizzle): Promise<Assignment[]> {
    const query = tx.select({ subjectId: assignments.subjectId, roleId: assignments.roleId, tenantId: assignments.tenantId }).from(assignments);
    if (subjectIds === undefined) return query;
    if (subjectIds.length === 0) return [];
    return query.where(inArray(assignments.subjectId, [...subjectIds]));
  }

  /** Every assignment with its subject's kind: what the decision engine loads. */
  async allAssignmentsWithKind(tx: DrizzleDb = this.db.drizzle): Promise<Array<Assignment & { kind: SubjectKind }>> {
    return tx
      .select({ subjectId: assignments.subjectId, roleId: assignments.roleId, tenantId: assignments.tenantId, kind: subjects.kind })
      .from(assignments)
      .innerJoin(subjects, eq(subjects.id, assignments.subjectId));
  }
}
