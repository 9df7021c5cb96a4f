import type { Database, Transaction } from '@latchkey/persistence';
import type { PermissionRepository, RoleRepository, SubjectRepository } from '@latchkey/rbac/data-access';
import type { PolicyChanges } from './policy/policy-changes';

/** A role the demo seed keeps as it is written here, with its permissions and their descriptions. */
export interface SeededRole {
  readonly id: string;
  readonly description: string;
  readonly permissions: readonly string[];
}

/** A person (the exchange's person id) the demo seed gives a role. */
export interface DemoPerson {
  readonly personId: string;
  /** The person's Entra tenant, as `identity.created` would register it. */
  readonly tenantId?: string;
  readonly displayName: string | null;
}

/** What the seed's steps change with, inside the caller's transaction (which has taken the policy lock). */
export interface DemoSeedStore {
  readonly subjects: SubjectRepository;
  readonly roles: RoleRepository;
  readonly permissions: PermissionRepository;
  readonly changes: PolicyChanges;
}

/**
 * Registers the permissions the roles grant when missing (with their descriptions, by `seed`), then creates each
 * role or sets it back to its seeded permissions and description, publishing `role.upserted` for each it changed.
 * The registration of new permissions travels with the role.upserted of the roles that grant them.
 */
export async function seedRoles(
  tx: Transaction,
  store: DemoSeedStore,
  wanted: readonly SeededRole[],
  describe: (permission: string) => string | undefined,
): Promise<void> {
  const needed = [...new Set(wanted.flatMap((role) => role.permissions))];
  await store.permissions.registerMissing(
    needed.map((id) => ({ id, description: describe(id) })),
    'seed',
    tx.drizzle,
  );
  for (const role of wanted) {
    const stored = await store.roles.findById(role.id, tx.drizzle);
    const permissions = [...role.permissions];
    if (stored !== undefined && stored.description === role.description && sameSet(stored.permissions, permissions)) continue;
    await store.roles.upsert({ id: role.id, description: role.description, permissions }, tx.drizzle);
    await store.changes.publish(tx, 'role.upserted', { roleId: role.id });
  }
}

/**
 * Registers the person as a subject unless it exists (identity.created registers the same subject when it arrives;
 * whichever comes first inserts it) and gives them the role in every tenant, publishing `assignment.added` when
 * they did not hold it. @throws when the id names a subject of another kind.
 */
export async function assignToPerson(tx: Transaction, store: DemoSeedStore, person: DemoPerson, roleId: string): Promise<void> {
  const stored = await store.subjects.findById(person.personId, tx.drizzle);
  if (stored !== undefined && stored.kind !== 'person') throw new Error(`subject ${person.personId} exists as ${stored.kind}, not as a person`);
  if (stored === undefined) {
    await store.subjects.insertIfAbsent(
      { id: person.personId, kind: 'person', tenantId: person.tenantId ?? null, displayName: person.displayName },
      tx.drizzle,
    );
  }
  if (await store.subjects.assign(person.personId, roleId, tx.drizzle)) {
    await store.changes.publish(tx, 'assignment.added', { subjectId: person.personId, roleId });
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** What one seed run does: the roles it keeps as written, and the role it gives its person, if any. */
export interface DemoSeedPlan {
  readonly roles: readonly SeededRole[];
  /** A permission's description for the registry, when the seed registers it. */
  readonly describe: (permission: string) => string | undefined;
  readonly person?: DemoPerson;
  readonly roleForPerson: string;
}

/** Runs a plan in one transaction under the policy lock: {@link seedRoles}, then {@link assignToPerson} when a person is given. */
export async function runDemoSeed(db: Database, store: DemoSeedStore, plan: DemoSeedPlan): Promise<void> {
  await db.transaction(async (tx) => {
    await store.changes.lock(tx);
    await seedRoles(tx, store, plan.roles, plan.describe);
    if (plan.person !== undefined) await assignToPerson(tx, store, plan.person, plan.roleForPerson);
  });
}
