import { Injectable } from '@nestjs/common';
import { PermissionRepository, PolicyVersionRepository, RoleRepository, SubjectRepository } from '@latchkey/rbac/data-access';
import { CasbinPolicy, type SubjectRef } from './casbin-policy';

/** Why a decision came out as it did. */
export type DecisionReason = `granted-by-role:${string}` | 'no-role-grants' | 'unknown-permission' | 'unknown-subject';

/** The answer of the decision API. */
export interface Decision {
  readonly decision: 'allow' | 'deny';
  readonly reason: DecisionReason;
  /** The policy version the decision was taken at, for callers that cache decisions. */
  readonly policyVersion: number;
}

/** One question to the decision API. */
export interface DecisionQuery {
  readonly subject: SubjectRef;
  readonly permission: string;
  readonly tenantId?: string;
}

/** Subjects remembered as existing (id → kind); past this many the memory starts over. */
const KNOWN_SUBJECTS_MAX = 100_000;

/**
 * Decides with Casbin on the whole policy held in memory (it is small),
 * rebuilt whenever the committed policy version moved: each decision waits
 * for a read of that version sent after it arrived, so a change committed
 * by any instance counts from the next decision on. The decisions that
 * arrive while no read is waiting to be sent share the next one (sent on
 * the next turn of the event loop): under load one primary-key read serves
 * many decisions, and none is answered from a read that started before it
 * arrived. Deny by default: an unknown permission, an unknown subject, or
 * no role granting the permission.
 */
@Injectable()
export class PolicyEngine {
  private loaded: CasbinPolicy | undefined;
  private loading: Promise<CasbinPolicy> | undefined;
  /** The version read the next decisions join; cleared the moment it is sent. */
  private nextVersionRead: Promise<number> | undefined;
  /** Subjects seen to exist, with their kind: subjects are never deleted and never change kind. */
  private readonly knownSubjects = new Map<string, string>();

  constructor(
    private readonly versions: PolicyVersionRepository,
    private readonly permissions: PermissionRepository,
    private readonly roles: RoleRepository,
    private readonly subjects: SubjectRepository,
  ) {}

  async decide(query: DecisionQuery): Promise<Decision> {
    const policy = await this.current();
    const policyVersion = policy.version;
    if (!policy.knows(query.permission)) return { decision: 'deny', reason: 'unknown-permission', policyVersion };
    const role = policy.grantingRole(query.subject, query.tenantId, query.permission);
    if (role !== undefined) return { decision: 'allow', reason: `granted-by-role:${role}`, policyVersion };
    // People arrive by event without a policy change, so whether the subject exists is asked of the database, on denials only.
    const kind = await this.kindOf(query.subject.id);
    return { decision: 'deny', reason: kind === query.subject.kind ? 'no-role-grants' : 'unknown-subject', policyVersion };
  }

  /** The policy at the committed version or later. */
  async current(): Promise<CasbinPolicy> {
    const committed = await this.committedVersion();
    let policy = this.loaded;
    // A load already under way may have read an older version: wait for it, then load again if needed.
    while (policy === undefined || policy.version < committed) policy = await this.reload();
    return policy;
  }

  /** The committed version, from a read sent after the call: joins the one waiting to be sent, or schedules it. */
  private committedVersion(): Promise<number> {
    this.nextVersionRead ??= new Promise<void>((sent) => setImmediate(sent)).then(() => {
      this.nextVersionRead = undefined;
      return this.versions.committedNow();
    });
    return this.nextVersionRead;
  }

  private async kindOf(subjectId: string): Promise<string | undefined> {
    const remembered = this.knownSubjects.get(subjectId);
    if (remembered !== undefined) return remembered;
    const kind = await this.subjects.kindOf(subjectId);
    if (kind !== undefined) {
      if (this.knownSubjects.size >= KNOWN_SUBJECTS_MAX) this.knownSubjects.clear();
      this.knownSubjects.set(subjectId, kind);
    }
    return kind;
  }

  private reload(): Promise<CasbinPolicy> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<CasbinPolicy> {
    // The version first: the rows read after it are at least that new, so a later change is never taken as loaded.
    const version = await this.versions.committed();
    const [permissions, roles, inclusions, assignments] = await Promise.all([
      this.permissions.allIds(),
      this.roles.list(),
      this.roles.inclusions(),
      this.subjects.allAssignmentsWithKind(),
    ]);
    const policy = await CasbinPolicy.build({ version, permissions, roles, inclusions, assignments });
    if (this.loaded === undefined || policy.version >= this.loaded.version) this.loaded = policy;
    return policy;
  }
}
