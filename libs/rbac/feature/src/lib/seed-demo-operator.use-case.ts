import { Injectable } from '@nestjs/common';
import { ADMIN_PERMISSIONS, OPERATOR_ROLES } from '@latchkey/contracts';
import { Database } from '@latchkey/persistence';
import { PermissionRepository, RoleRepository, SubjectRepository } from '@latchkey/rbac/data-access';
import { runDemoSeed, type DemoPerson } from './demo-seed';
import { PolicyChanges } from './policy/policy-changes';

/** The operator role holding every admin permission: the one the seed gives its operator. */
export const PLATFORM_OPERATOR_ROLE = 'platform-operator';

/** A person (the exchange's person id) to make a platform operator. */
export type OperatorPerson = DemoPerson;

/** What the seed left in place: the operator roles, and the person holding `platform-operator` when one was given. */
export interface SeededOperators {
  readonly roles: readonly string[];
  readonly operator?: { readonly personId: string; readonly roles: readonly string[] };
}

/**
 * The operator roles of the contracts' catalogue (OPERATOR_ROLES, each
 * with its admin permissions, registered in the permission registry when
 * missing) and, when given a person, that person as a subject holding
 * `platform-operator` in every tenant. A seeded role whose permissions or
 * description were changed is set back to the catalogue's. Everything runs
 * in one transaction; each change is published like any other policy
 * change, and a run that finds everything in place publishes nothing.
 */
@Injectable()
export class SeedDemoOperatorUseCase {
  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectRepository,
    private readonly roles: RoleRepository,
    private readonly permissions: PermissionRepository,
    private readonly changes: PolicyChanges,
  ) {}

  async execute(person?: OperatorPerson): Promise<SeededOperators> {
    const store = { subjects: this.subjects, roles: this.roles, permissions: this.permissions, changes: this.changes };
    await runDemoSeed(this.db, store, {
      roles: OPERATOR_ROLES,
      describe: (id) => (ADMIN_PERMISSIONS as Record<string, string>)[id],
      person,
      roleForPerson: PLATFORM_OPERATOR_ROLE,
    });
    const roles = OPERATOR_ROLES.map((r) => r.id);
    return person === undefined ? { roles } : { roles, operator: { personId: person.personId, roles: [PLATFORM_OPERATOR_ROLE] } };
  }
}
