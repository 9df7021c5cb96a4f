import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OAuthApplicationRepository, type OAuthApplication, type OAuthApplicationChanges } from '@latchkey/exchange/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';
import type { CreateApplication, UpdateApplication } from './admin-request.schema';
import { ExchangeAdminError } from './exchange-admin.errors';

/** An OAuth application as the admin API shows it: every policy, never the secret or its digest. */
export interface OAuthApplicationView {
  readonly clientId: string;
  readonly displayName: string;
  readonly enabled: boolean;
  readonly scopes: Readonly<Record<string, readonly string[]>>;
  readonly tokenLifetimeSeconds: number;
  readonly allowedTenantIds: readonly string[];
  readonly allowedSourceAppIds: readonly string[];
  readonly appOnlyPolicy: OAuthApplication['appOnlyPolicy'];
  readonly requireClientMatch: boolean;
  readonly provisioning: OAuthApplication['provisioning'];
  readonly hasClientSecret: boolean;
  readonly secretRotatedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An application with the client secret that was just made: the only answer that ever carries it. */
export interface OAuthApplicationWithSecret extends OAuthApplicationView {
  readonly clientSecret: string;
}

/** The admin API's view of a stored application. */
export function viewOf(app: OAuthApplication): OAuthApplicationView {
  return {
    clientId: app.clientId,
    displayName: app.displayName,
    enabled: app.enabled,
    scopes: app.scopes,
    tokenLifetimeSeconds: app.tokenLifetimeSeconds,
    allowedTenantIds: app.allowedTenantIds,
    allowedSourceAppIds: app.allowedSourceAppIds,
    appOnlyPolicy: app.appOnlyPolicy,
    requireClientMatch: app.requireClientMatch,
    provisioning: app.provisioning,
    hasClientSecret: app.clientSecretHash !== null,
    secretRotatedAt: app.secretRotatedAt?.toISOString() ?? null,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

/**
 * The operator's side of OAuth applications (exchange issue, "OAuth
 * applications and identities"): create (the client secret is answered
 * once; only its SHA-256 is stored), list, read, change policies, enable
 * and disable, rotate the secret (the old one stops working at once).
 * Authentication of the operator belongs to the HTTP layer.
 */
@Injectable()
export class OAuthApplicationAdministration {
  constructor(private readonly applications: OAuthApplicationRepository) {}

  async create(input: CreateApplication): Promise<OAuthApplicationWithSecret> {
    const clientId = input.clientId ?? randomUUID();
    // 256 random bits: a plain digest cannot be reversed, and no server secret must travel with the table.
    const clientSecret = generateApiKey('app');
    const inserted = await this.applications.insertIfAbsent({ ...input, clientId, clientSecretHash: hashApiKey(clientSecret) });
    if (!inserted) throw new ExchangeAdminError('EXCHANGE.ADMIN_APPLICATION_EXISTS', 'An OAuth application with this client id exists.');
    return { ...(await this.get(clientId)), clientSecret };
  }

  async get(clientId: string): Promise<OAuthApplicationView> {
    return viewOf(this.found(await this.applications.findByClientId(clientId)));
  }

  async list(): Promise<OAuthApplicationView[]> {
    return (await this.applications.list()).map(viewOf);
  }

  async update(clientId: string, changes: UpdateApplication): Promise<OAuthApplicationView> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as OAuthApplicationChanges;
    return viewOf(this.found(await this.applications.update(clientId, defined)));
  }

  async setEnabled(clientId: string, enabled: boolean): Promise<OAuthApplicationView> {
    return viewOf(this.found(await this.applications.update(clientId, { enabled })));
  }

  async rotateSecret(clientId: string): Promise<OAuthApplicationWithSecret> {
    const clientSecret = generateApiKey('app');
    const app = this.found(await this.applications.replaceSecretHash(clientId, hashApiKey(clientSecret)));
    return { ...viewOf(app), clientSecret };
  }

  private found(app: OAuthApplication | undefined): OAuthApplication {
    if (!app) throw new ExchangeAdminError('EXCHANGE.ADMIN_APPLICATION_NOT_FOUND', 'There is no OAuth application with this client id.');
    return app;
  }
}
