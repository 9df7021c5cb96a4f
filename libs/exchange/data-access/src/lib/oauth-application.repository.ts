import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { Database } from '@latchkey/persistence';
import { oauthApplications } from './exchange.table';

/** An OAuth application as the exchange sees it. */
export type OAuthApplication = typeof oauthApplications.$inferSelect;

/** OAuth applications by client id. */
@Injectable()
export class OAuthApplicationRepository {
  constructor(private readonly db: Database) {}

  async findByClientId(clientId: string): Promise<OAuthApplication | undefined> {
    const [row] = await this.db.drizzle.select().from(oauthApplications).where(eq(oauthApplications.clientId, clientId)).limit(1);
    return row;
  }

  async insertIfAbsent(app: typeof oauthApplications.$inferInsert): Promise<boolean> {
    const rows = await this.db.drizzle
      .insert(oauthApplications)
      .values(app)
      .onConflictDoNothing({ target: oauthApplications.clientId })
      .returning({ id: oauthApplications.clientId });
    return rows.length === 1;
  }

  /** Disables applications named by a revocation; returns how many changed. */
  async disable(clientId: string): Promise<number> {
    const rows = await this.db.drizzle
      .update(oauthApplications)
      .set({ enabled: false })
      .where(eq(oauthApplications.clientId, clientId))
      .returning({ id: oauthApplications.clientId });
    return rows.length;
  }
}
