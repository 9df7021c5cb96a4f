import { Injectable } from '@nestjs/common';
import { ne } from 'drizzle-orm';
import { Database } from '@latchkey/persistence';
import { signingKeys } from './issuer.table';

/** A stored signing key (private half sealed). */
export type StoredSigningKey = typeof signingKeys.$inferSelect;

/** Signing keys: the ring is read at start and on rotation; never the private half in clear. */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly db: Database) {}

  /** Keys still published (active and retiring). */
  async listPublished(): Promise<StoredSigningKey[]> {
    return this.db.drizzle.select().from(signingKeys).where(ne(signingKeys.status, 'retired'));
  }

  async insert(key: typeof signingKeys.$inferInsert): Promise<void> {
    await this.db.drizzle.insert(signingKeys).values(key);
  }
}
