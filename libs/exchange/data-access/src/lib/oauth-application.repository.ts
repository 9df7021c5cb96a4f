import { Injectable } from '@nestjs/common';
import { asc, eq, sql } from 'drizzle-orm';
import { Database } from '@latchkey/persistence';
import { oauthApplications } from './exchange.table';

/** An OAuth application as the exchange sees it. */
export type OAuthApplication = typeof oauthApplications.$inferSelect;

/** A new OAuth application; unset policies take the table's (closed) defaults. */
export type NewOAuthApplication = typeof oauthApplications.$inferInsert;

/** What an operator may change on an application (the secret has its own rotation). */
export type OAuthApplicationChanges = Partial<
  Pick<
    OAuthApplication,
    | 'displayName'
    | 'enabled'
    | 'scopes'
    | 'tokenLifetimeSeconds'
    | 'allowedTenantIds'
    | 'allowedSourceAppIds'
    | 'appOnlyPolicy'
    | 'requireClientMatch'
    | 'provisioning'
  >
>;

/** OAuth applications by client id. */
@Injectable()
export class OAuthApplicationRepository {
  constructor(private readonly db: Database) {}

  async findByClientId(clientId: string): Promise<OAuthApplication | undefined> {
    const [row] = await this.db.drizzle.select().from(oauthApplications).where(eq(oauthApplications.clientId, clientId)).limit(1);
    return row;
  }

  /** Every application, by client id. */
  async list(): Promise<OAuthApplication[]> {
    return this.db.drizzle.select().from(oauthApplications).orderBy(asc(oauthApplications.clientId));
  }

  /** Inserts the application unless one with its client id exists; returns true when inserted. */
  async insertIfAbsent(app: NewOAuthApplication): Promise<boolean> {
    const rows = await this.db.drizzle
      .insert(oauthApplications)
      .values(app)
      .onConflictDoNothing({ target: oauthApplications.clientId })
      .returning({ id: oauthApplications.clientId });
    return rows.length === 1;
  }

  /** Applies `changes`; returns the updated application, or undefined when there is none with this client id. */
  async update(clientId: string, changes: OAuthApplicationChanges): Promise<OAuthApplication | undefined> {
    const [row] = await this.db.drizzle
      .update(oauthApplications)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(oauthApplications.clientId, clientId))
      .returning();
    return row;
  }

  /** Replaces the client secret's digest (the old secret stops working at once); undefined when there is no such application. */
  async replaceSecretHash(clientId: string, clientSecretHash: string): Promise<OAuthApplication | undefined> {
    const [row] = await this.db.drizzle
      .update(oauthApplications)
      .set({ clientSecretHash, secretRotatedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(oauthApplications.clientId, clientId))
      .returning();
    return row;
  }

  /** Disables applications named by a revocation; returns how many changed. */
  async disable(clientId: string): Promise<number> {
    const rows = await this.db.drizzle
      .update(oauthApplications)
      .set({ enabled: false, updatedAt: sql`now()` })
      .where(eq(oauthApplications.clientId, clientId))
      .returning({ id: oauthApplications.clientId });
    return rows.length;
  }
}
