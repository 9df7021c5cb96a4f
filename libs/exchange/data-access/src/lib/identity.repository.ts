import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentityCreatedV1 } from '@latchkey/contracts';
import { OutboxWriter } from '@latchkey/messaging';
import { Database, type SqlExecutor } from '@latchkey/persistence';
import type { identities, ProvisioningMode } from './exchange.table';

/** A person as the exchange knows them: one per Entra (tenant id, object id). */
export type Identity = typeof identities.$inferSelect;

/** What a validated Entra token says about its principal. Display name and username are informational only. */
export interface IdentitySighting {
  readonly tenantId: string;
  readonly objectId: string;
  /** `name`; null or absent when the token has none (the stored value is then kept). */
  readonly displayName?: string | null;
  /** `preferred_username` / `upn`; null or absent when the token has none (the stored value is then kept). */
  readonly username?: string | null;
}

/** The person a sighting maps to, and whether this call created them or refreshed their attributes. */
export interface IdentityResolution {
  readonly identity: Identity;
  readonly created: boolean;
  readonly refreshed: boolean;
}

/** Attribute bound: the `identity.created` event accepts display names up to 256 characters. */
const MAX_ATTRIBUTE = 256;

const COLUMNS = 'person_id, tenant_id, object_id, display_name, username, created_at, updated_at';

interface IdentityRow {
  person_id: string;
  tenant_id: string;
  object_id: string;
  display_name: string | null;
  username: string | null;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

const toIdentity = (r: IdentityRow): Identity => ({
  personId: r.person_id,
  tenantId: r.tenant_id,
  objectId: r.object_id,
  displayName: r.display_name,
  username: r.username,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const bounded = (value: string | null | undefined): string | null => (value ? value.slice(0, MAX_ATTRIBUTE) : null);

/** The attributes a sighting would leave stored: its own where it carries them, the stored ones otherwise. */
const refreshedAttributes = (known: Identity, sighting: IdentitySighting): { displayName: string | null; username: string | null } => ({
  displayName: bounded(sighting.displayName) ?? known.displayName,
  username: bounded(sighting.username) ?? known.username,
});

/**
 * People keyed by Entra (`tid`, `oid`). A first sight creates the person
 * (in `create` mode) with a random id and writes `identity.created` to the
 * outbox in the same transaction; concurrent first sights converge on one
 * row (INSERT … ON CONFLICT DO NOTHING, then SELECT), and only the call
 * whose insert won writes the event.
 */
@Injectable()
export class IdentityRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * The person of `sighting`, found or, in `create` mode, created; display
   * name and username are refreshed when the token carries other values.
   * Undefined in `link-only` mode when the person does not exist, and
   * always in `deny` mode (which neither reads nor writes). Runs in `tx`
   * when given (its isolation must be READ COMMITTED, PostgreSQL's default,
   * so the SELECT after a lost insert sees the winner's row), otherwise in
   * a transaction of its own.
   */
  async findOrCreate(tx: SqlExecutor | undefined, sighting: IdentitySighting, mode: ProvisioningMode): Promise<IdentityResolution | undefined> {
    if (mode === 'deny') return undefined;
    if (tx) return this.resolve(tx, sighting, mode);
    return this.db.transaction((own) => this.resolve(own, sighting, mode));
  }

  /**
   * The person of `sighting` when they exist and the sighting changes none
   * of their attributes: one read, no transaction, nothing to write. The
   * exchange's common case (a returning person) then needs no transaction
   * of its own; anything else (a first sight, a changed name) is
   * undefined here and goes through {@link findOrCreate}.
   */
  async findUnchanged(sighting: IdentitySighting): Promise<Identity | undefined> {
    const known = await this.find(sighting.tenantId, sighting.objectId);
    if (!known) return undefined;
    const next = refreshedAttributes(known, sighting);
    return next.displayName === known.displayName && next.username === known.username ? known : undefined;
  }

  /** The person with this id. */
  async findByPersonId(personId: string, executor: SqlExecutor = this.db): Promise<Identity | undefined> {
    const [row] = await executor.query<IdentityRow>(`SELECT ${COLUMNS} FROM exchange.identities WHERE person_id = $1`, [personId]);
    return row && toIdentity(row);
  }

  /** The person of (`tenantId`, `objectId`), without creating or refreshing. */
  async find(tenantId: string, objectId: string, executor: SqlExecutor = this.db): Promise<Identity | undefined> {
    const [row] = await executor.query<IdentityRow>(`SELECT ${COLUMNS} FROM exchange.identities WHERE tenant_id = $1 AND object_id = $2`, [
      tenantId,
      objectId,
    ]);
    return row && toIdentity(row);
  }

  private async resolve(tx: SqlExecutor, sighting: IdentitySighting, mode: 'create' | 'link-only'): Promise<IdentityResolution | undefined> {
    const displayName = bounded(sighting.displayName);
    const username = bounded(sighting.username);
    // The common case first: a person seen before costs one read.
    const known = await this.find(sighting.tenantId, sighting.objectId, tx);
    if (known) return this.refresh(tx, known, sighting);
    if (mode === 'link-only') return undefined;

    // Random, never derived from claims: a person id reveals nothing and cannot be forged from a token.
    const personId = `p_${randomUUID()}`;
    const [inserted] = await tx.query<IdentityRow>(
      `INSERT INTO exchange.identities (person_id, tenant_id, object_id, display_name, username) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, object_id) DO NOTHING RETURNING ${COLUMNS}`,
      [personId, sighting.tenantId, sighting.objectId, displayName, username],
    );
    if (inserted) {
      await this.outbox.write(tx, IdentityCreatedV1, { personId, tenantId: sighting.tenantId, objectId: sighting.objectId, displayName });
      return { identity: toIdentity(inserted), created: true, refreshed: false };
    }
    // Another transaction created the person between our read and our insert; ON CONFLICT waited for it to commit.
    const winner = await this.find(sighting.tenantId, sighting.objectId, tx);
    if (!winner) throw new Error('identity vanished between a conflicting insert and its read');
    return this.refresh(tx, winner, sighting);
  }

  private async refresh(tx: SqlExecutor, known: Identity, sighting: IdentitySighting): Promise<IdentityResolution> {
    const { displayName: nextName, username: nextUsername } = refreshedAttributes(known, sighting);
    if (nextName === known.displayName && nextUsername === known.username) return { identity: known, created: false, refreshed: false };
    const [row] = await tx.query<IdentityRow>(
      `UPDATE exchange.identities SET display_name = $2, username = $3, updated_at = now() WHERE person_id = $1 RETURNING ${COLUMNS}`,
      [known.personId, nextName, nextUsername],
    );
    return { identity: row ? toIdentity(row) : { ...known, displayName: nextName, username: nextUsername }, created: false, refreshed: true };
  }
}
