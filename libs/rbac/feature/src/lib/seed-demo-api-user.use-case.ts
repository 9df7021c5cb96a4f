import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';
import { PermissionRepository, RoleRepository, SubjectRepository } from '@latchkey/rbac/data-access';
import { runDemoSeed, type DemoPerson, type SeededRole } from './demo-seed';
import { PolicyChanges } from './policy/policy-changes';

/**
 * The permissions of the sample protected API (apps/testapi: `GET /testapi` names `testapi:read`, `POST /testapi`
 * `testapi:write`), with what they let their holder do. The testapi registers them itself at start, in the
 * background; the seed registers them too, so that its role never waits on that.
 */
export const SAMPLE_API_PERMISSIONS: Readonly<Record<string, string>> = {
  'testapi:read': 'Read through the sample protected API (GET /testapi)',
  'testapi:write': 'Write through the sample protected API (POST /testapi)',
};

/** The role the seed gives the demo user for the sample API: both of its permissions. */
export const SAMPLE_API_ROLE: SeededRole = {
  id: 'testapi-user',
  description: 'Calls the sample protected API (testapi): GET and POST /testapi',
  permissions: Object.keys(SAMPLE_API_PERMISSIONS),
};

/** What the seed left in place: the sample API's role, and the person holding it when one was given. */
export interface SeededApiUser {
  readonly role: string;
  readonly permissions: readonly string[];
  readonly personId?: string;
}

/**
 * The sample API's role (`testapi-user`, granting `testapi:read` and
 * `testapi:write`, registered in the permission registry when missing) and,
 * when given a person, that person as a subject holding it in every tenant,
 * so that the demo user's calls through the exchange's gateway are allowed.
 * Like the operator seed: one transaction, the role set back when changed,
 * each change published as `rbac.changed`, nothing published when all is in
 * place.
 */
@Injectable()
export class SeedDemoApiUserUseCase {
  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectRepository,
    private readonly roles: RoleRepository,
    private readonly permissions: PermissionRepository,
    private readonly changes: PolicyChanges,
  ) {}

  async execute(person?: DemoPerson): Promise<SeededApiUser> {
    const store = { subjects: this.subjects, roles: this.roles, permissions: this.permissions, changes: this.changes };
    await runDemoSeed(this.db, store, {
      roles: [SAMPLE_API_ROLE],
      describe: (id) => SAMPLE_API_PERMISSIONS[id],
      person,
      roleForPerson: SAMPLE_API_ROLE.id,
    });
    const seeded = { role: SAMPLE_API_ROLE.id, permissions: SAMPLE_API_ROLE.permissions };
    return person === undefined ? seeded : { ...seeded, personId: person.personId };
  }
}
