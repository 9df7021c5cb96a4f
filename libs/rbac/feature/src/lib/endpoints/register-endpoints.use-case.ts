import { Injectable, Logger } from '@nestjs/common';
import { Database } from '@latchkey/persistence';
import { EndpointRepository, PermissionRepository, type Endpoint, type RegisteredEndpoint } from '@latchkey/rbac/data-access';
import { PolicyChanges } from '../policy/policy-changes';
import type { EndpointList } from './endpoint-request.schema';

/** An endpoint as the registry shows it. */
export interface EndpointView extends Endpoint {
  readonly service: string;
  readonly registeredAt: string;
}

/** What a registration did. */
export interface EndpointRegistration {
  readonly service: string;
  readonly endpoints: EndpointView[];
  /** Permissions named by the list that the registry did not know. */
  readonly permissionsAdded: string[];
  /** False when the list equals the stored one: nothing was written or published. */
  readonly changed: boolean;
}

const keyOf = (e: Endpoint) => `${e.method} ${e.path} ${e.scope ?? ''} ${e.permission ?? ''} ${e.public}`;
const view = (e: RegisteredEndpoint): EndpointView => ({
  service: e.service,
  method: e.method,
  path: e.path,
  scope: e.scope,
  permission: e.permission,
  public: e.public,
  registeredAt: e.registeredAt.toISOString(),
});

/**
 * The endpoint registry: each service sends its full list at start; the
 * list replaces the service's previous one, and the permissions it names
 * join the permission registry. Sending the same list again changes
 * nothing and publishes nothing, so restarts are free.
 */
@Injectable()
export class RegisterEndpointsUseCase {
  private readonly logger = new Logger(RegisterEndpointsUseCase.name);

  constructor(
    private readonly db: Database,
    private readonly endpoints: EndpointRepository,
    private readonly permissions: PermissionRepository,
    private readonly changes: PolicyChanges,
  ) {}

  async register(service: string, list: EndpointList): Promise<EndpointRegistration> {
    const result = await this.db.transaction(async (tx) => {
      await this.changes.lock(tx);
      const stored = await this.endpoints.ofService(service, tx.drizzle);
      const named = [...new Set(list.flatMap((e) => (e.permission === null ? [] : [e.permission])))];
      const permissionsAdded = await this.permissions.registerMissing(
        named.map((id) => ({ id })),
        `endpoint:${service}`,
        tx.drizzle,
      );
      const same = stored.length === list.length && sameKeys(stored, list);
      if (same && permissionsAdded.length === 0) return { permissionsAdded, changed: false };
      await this.endpoints.replace(service, list, tx.drizzle);
      const version = await this.changes.publish(tx, 'endpoint.registered', { serviceId: service });
      return { permissionsAdded, changed: true, version };
    });
    this.logger.log({ msg: 'endpoints registered', service, count: list.length, ...result });
    const endpoints = (await this.endpoints.ofService(service)).map(view);
    return { service, endpoints, permissionsAdded: result.permissionsAdded, changed: result.changed };
  }

  async list(): Promise<EndpointView[]> {
    return (await this.endpoints.list()).map(view);
  }
}

function sameKeys(stored: readonly Endpoint[], list: readonly Endpoint[]): boolean {
  const keys = new Set(stored.map(keyOf));
  return list.every((e) => keys.has(keyOf(e)));
}
