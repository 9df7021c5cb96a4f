import { Injectable } from '@nestjs/common';
import { asc, eq } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { endpoints } from './rbac.table';

/** One endpoint as its service declared it. */
export interface Endpoint {
  readonly method: string;
  readonly path: string;
  readonly scope: string | null;
  readonly permission: string | null;
  readonly public: boolean;
}

/** A registered endpoint with its service and when it was registered. */
export interface RegisteredEndpoint extends Endpoint {
  readonly service: string;
  readonly registeredAt: Date;
}

/** The endpoint registry: each service's full list, replaced whole. */
@Injectable()
export class EndpointRepository {
  constructor(private readonly db: Database) {}

  /** The service's endpoints, by method then path. */
  async ofService(service: string, tx: DrizzleDb = this.db.drizzle): Promise<RegisteredEndpoint[]> {
    return tx.select().from(endpoints).where(eq(endpoints.service, service)).orderBy(asc(endpoints.path), asc(endpoints.method));
  }

  /** Every registered endpoint, by service, path, method. */
  async list(tx: DrizzleDb = this.db.drizzle): Promise<RegisteredEndpoint[]> {
    return tx.select().from(endpoints).orderBy(asc(endpoints.service), asc(endpoints.path), asc(endpoints.method));
  }

  /** Replaces the service's list with `list`. */
  async replace(service: string, list: readonly Endpoint[], tx: DrizzleDb = this.db.drizzle): Promise<void> {
    await tx.delete(endpoints).where(eq(endpoints.service, service));
    if (list.length > 0) await tx.insert(endpoints).values(list.map((e) => ({ ...e, service })));
  }
}
