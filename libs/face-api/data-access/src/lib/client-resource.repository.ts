import { Injectable } from '@nestjs/common';
import { asc, eq } from 'drizzle-orm';
import { canonicalResourceId } from '@latchkey/contracts';
import { Database } from '@latchkey/persistence';
import { clientResources } from './face-api.table';

/** A client Face resource served by this resource server. */
export type ClientResource = typeof clientResources.$inferSelect;

/**
 * Client resources, found by the digest of the key presented with a request
 * or by their id. Resource ids are stored and looked up canonical (Azure
 * names are case-insensitive), so one resource has one row whatever the
 * spelling it is named with.
 */
@Injectable()
export class ClientResourceRepository {
  constructor(private readonly db: Database) {}

  async findByKeyHash(hash: string): Promise<ClientResource | undefined> {
    const [row] = await this.db.drizzle.select().from(clientResources).where(eq(clientResources.subscriptionKeyHash, hash)).limit(1);
    return row;
  }

  async findById(resourceId: string): Promise<ClientResource | undefined> {
    const [row] = await this.db.drizzle
      .select()
      .from(clientResources)
      .where(eq(clientResources.resourceId, canonicalResourceId(resourceId)))
      .limit(1);
    return row;
  }

  /** Every resource, by id. */
  async list(): Promise<ClientResource[]> {
    return this.db.drizzle.select().from(clientResources).orderBy(asc(clientResources.resourceId));
  }

  /** Inserts the resource unless it exists; true when inserted. */
  async insertIfAbsent(resource: typeof clientResources.$inferInsert): Promise<boolean> {
    const rows = await this.db.drizzle
      .insert(clientResources)
      .values({ ...resource, resourceId: canonicalResourceId(resource.resourceId) })
      .onConflictDoNothing({ target: clientResources.resourceId })
      .returning({ id: clientResources.resourceId });
    return rows.length === 1;
  }

  /** Replaces the resource's key digest (the previous key stops matching); false when there is no such resource. */
  async replaceKeyHash(resourceId: string, subscriptionKeyHash: string): Promise<boolean> {
    const rows = await this.db.drizzle
      .update(clientResources)
      .set({ subscriptionKeyHash })
      .where(eq(clientResources.resourceId, canonicalResourceId(resourceId)))
      .returning({ id: clientResources.resourceId });
    return rows.length === 1;
  }

  /** Deletes the resource (its key stops matching); false when there was none. */
  async delete(resourceId: string): Promise<boolean> {
    const rows = await this.db.drizzle
      .delete(clientResources)
      .where(eq(clientResources.resourceId, canonicalResourceId(resourceId)))
      .returning({ id: clientResources.resourceId });
    return rows.length === 1;
  }
}
