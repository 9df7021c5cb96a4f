import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { canonicalResourceId } from '@latchkey/contracts';
import { Database } from '@latchkey/persistence';
import { clientResources } from './face-api.table';

/** A client Face resource served by this resource server. */
export type ClientResource = typeof clientResources.$inferSelect;

/** Client resources, found by the digest of the key presented with a request. */
@Injectable()
export class ClientResourceRepository {
  constructor(private readonly db: Database) {}

  async findByKeyHash(hash: string): Promise<ClientResource | undefined> {
    const [row] = await this.db.drizzle.select().from(clientResources).where(eq(clientResources.subscriptionKeyHash, hash)).limit(1);
    return row;
  }

  /** Inserts the resource unless it exists (resource ids are stored canonical: Azure names are case-insensitive). */
  async insertIfAbsent(resource: typeof clientResources.$inferInsert): Promise<boolean> {
    const rows = await this.db.drizzle
      .insert(clientResources)
      .values({ ...resource, resourceId: canonicalResourceId(resource.resourceId) })
      .onConflictDoNothing({ target: clientResources.resourceId })
      .returning({ id: clientResources.resourceId });
    return rows.length === 1;
  }
}
