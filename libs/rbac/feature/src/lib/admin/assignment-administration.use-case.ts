import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';
import { ANY_TENANT, RoleRepository, SubjectRepository, type SubjectKind } from '@latchkey/rbac/data-access';
import { PolicyChanges, type ChangedIds } from '../policy/policy-changes';
import type { SubjectRef } from '../policy/casbin-policy';
import { PolicyAdministrators } from './policy-administrators';
import { RbacAdminError } from './rbac-admin.errors';

/** An assignment as the admin API shows it; `tenantId` null: every tenant. */
export interface AssignmentView {
  readonly subject: SubjectRef;
  readonly roleId: string;
  readonly tenantId: string | null;
}

/** A subject as the admin API shows it: never an operator's key digest. */
export interface SubjectView {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly tenantId: string | null;
  readonly displayName: string | null;
  readonly createdAt: string;
  readonly assignments: ReadonlyArray<{ readonly roleId: string; readonly tenantId: string | null }>;
}

/** One assignment to add or remove. */
export interface AssignmentCommand {
  readonly subject: SubjectRef;
  readonly roleId: string;
  readonly tenantId?: string;
}

const tenantOrNull = (tenantId: string) => (tenantId === ANY_TENANT ? null : tenantId);

/**
 * The operator's side of subjects and their roles. People come from
 * `identity.created` (and the standalone seed's demo operator from the
 * seed): assigning to one that is unknown is refused. An OAuth application (app-only tokens) is known by
 * its client id and registered on its first assignment. Adding an existing
 * assignment changes nothing and publishes nothing. Removing the last
 * administrator's assignment is refused ({@link PolicyAdministrators}).
 */
@Injectable()
export class AssignmentAdministration {
  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectRepository,
    private readonly roles: RoleRepository,
    private readonly changes: PolicyChanges,
    private readonly administrators: PolicyAdministrators,
  ) {}

  async listSubjects(kind: SubjectKind | undefined, limit: number): Promise<SubjectView[]> {
    const rows = await this.subjects.list({ kind, limit });
    const held = await this.subjects.assignmentsOf(rows.map((s) => s.id));
    return rows.map((s) => ({
      kind: s.kind,
      id: s.id,
      tenantId: s.tenantId,
      displayName: s.displayName,
      createdAt: s.createdAt.toISOString(),
      assignments: held
        .filter((a) => a.subjectId === s.id)
        .map((a) => ({ roleId: a.roleId, tenantId: tenantOrNull(a.tenantId) }))
        .sort((a, b) => `${a.roleId} ${a.tenantId}`.localeCompare(`${b.roleId} ${b.tenantId}`)),
    }));
  }

  async add(command: AssignmentCommand): Promise<AssignmentView> {
    const tenantId = command.tenantId ?? ANY_TENANT;
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      if ((await this.roles.existing([command.roleId], tx.drizzle)).size === 0) {
        throw new RbacAdminError('RBAC.ADMIN_ROLE_NOT_FOUND', 'There is no role with this id.');
      }
      await this.knownSubject(tx, command.subject);
      if (await this.subjects.assign(command.subject.id, command.roleId, tx.drizzle, tenantId)) {
        await this.changes.publish(tx, 'assignment.added', idsOf(command, tenantId));
      }
    });
    return { subject: command.subject, roleId: command.roleId, tenantId: tenantOrNull(tenantId) };
  }

  async remove(command: AssignmentCommand): Promise<void> {
    const tenantId = command.tenantId ?? ANY_TENANT;
    await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      const subject = await this.subjects.findById(command.subject.id, tx.drizzle);
      const removed = await this.administrators.keepOne(
        tx,
        async () =>
          subject?.kind === command.subject.kind &&
          (await this.subjects.unassign({ subjectId: command.subject.id, roleId: command.roleId, tenantId }, tx.drizzle)),
      );
      if (!removed) throw new RbacAdminError('RBAC.ADMIN_ASSIGNMENT_NOT_FOUND', 'The subject does not hold this role in this tenant.');
      await this.changes.publish(tx, 'assignment.removed', idsOf(command, tenantId));
    });
  }

  private async knownSubject(tx: Transaction, subject: SubjectRef): Promise<void> {
    const stored = await this.subjects.findById(subject.id, tx.drizzle);
    if (stored && stored.kind !== subject.kind) {
      throw new RbacAdminError('RBAC.ADMIN_SUBJECT_KIND_MISMATCH', 'A subject with this id exists with another kind.');
    }
    if (stored) return;
    if (subject.kind !== 'application') throw new RbacAdminError('RBAC.ADMIN_SUBJECT_NOT_FOUND', `There is no ${subject.kind} with this id.`);
    await this.subjects.insertIfAbsent({ id: subject.id, kind: 'application' }, tx.drizzle);
  }
}

function idsOf(command: AssignmentCommand, tenantId: string): ChangedIds {
  return { subjectId: command.subject.id, roleId: command.roleId, ...(tenantId === ANY_TENANT ? {} : { tenantId }) };
}
