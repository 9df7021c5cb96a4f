import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OAuthApplicationRepository, type OAuthApplication, type OAuthApplicationChanges } from '@latchkey/exchange/data-access';
import { findSecretShapes, generateApiKey, hashApiKey } from '@latchkey/tokens';
import { AudienceScopes, type AudienceScopeCatalogue } from '../exchange/audience-scopes';
import type { CreateApplication, UpdateApplication } from './admin-request.schema';
import { ExchangeAdminError } from './exchange-admin.errors';

/**
 * An unknown scope repeated back in a refusal: short, and only characters scope names use in practice. The
 * operator's input may be anything the scope grammar allows, a pasted key included: a longer or odder name is
 * counted, not shown.
 */
const SHOWABLE_SCOPE = /^[A-Za-z0-9][\w.:/-]{0,63}$/;
/** The starts of the platform's credentials (`lk_…` keys, `whsec_…` secrets, `eyJ…` JWTs): never repeated back, even cut short. */
const CREDENTIAL_PREFIX = /^(?:lk_|whsec_|eyJ)/;
/** How many known scopes a refusal lists at most: enough for any real deployment, and a bounded answer for the others. */
const MAX_KNOWN_LISTED = 100;

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
 * A scope map that allows a scope no audience declares is refused
 * (`EXCHANGE.ADMIN_SCOPE_UNKNOWN`): a token is only minted with its
 * audience's scopes, so such a scope could never be granted, and allowing
 * it is an operator's mistake (a typo, an upstream not configured yet).
 * Authentication of the operator belongs to the HTTP layer.
 */
@Injectable()
export class OAuthApplicationAdministration {
  constructor(
    private readonly applications: OAuthApplicationRepository,
    private readonly audiences: AudienceScopes,
  ) {}

  async create(input: CreateApplication): Promise<OAuthApplicationWithSecret> {
    refuseUnknownScopes(input.scopes, this.audiences);
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

  /**
   * Only a new scope map is checked against the audiences: an application whose stored scopes a later
   * configuration no longer declares can still be changed otherwise (and disabled) without restating them.
   */
  async update(clientId: string, changes: UpdateApplication): Promise<OAuthApplicationView> {
    if (changes.scopes !== undefined) refuseUnknownScopes(changes.scopes, this.audiences);
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

/**
 * Refuses a scope map allowing a scope that no audience declares, naming those it can show (not credential-shaped,
 * short) and the known scopes (from the configuration, so nothing the caller sent).
 */
function refuseUnknownScopes(scopes: Readonly<Record<string, unknown>>, audiences: AudienceScopeCatalogue): void {
  const unknown = audiences.unknownScopes(Object.keys(scopes));
  if (unknown.length === 0) return;
  const named = unknown.filter((scope) => SHOWABLE_SCOPE.test(scope) && !CREDENTIAL_PREFIX.test(scope) && findSecretShapes(scope).length === 0);
  const hidden = unknown.length - named.length;
  const listed = named.length === 0 ? 'not repeated here' : `${named.map(quoted).join(', ')}${hidden > 0 ? ` and ${hidden} not repeated here` : ''}`;
  const known = audiences.knownScopes.slice(0, MAX_KNOWN_LISTED).map(quoted).join(', ');
  const more = audiences.knownScopes.length > MAX_KNOWN_LISTED ? ` and ${audiences.knownScopes.length - MAX_KNOWN_LISTED} more` : '';
  const [what, them] = unknown.length === 1 ? ['a scope', 'it'] : [`${unknown.length} scopes`, 'them'];
  throw new ExchangeAdminError(
    'EXCHANGE.ADMIN_SCOPE_UNKNOWN',
    `The body field scopes allows ${what} that no audience declares, so no token could ever carry ${them} (${listed}). Known scopes: ${known}${more}.`,
    { unknownScopes: unknown.length },
  );
}

/** A scope in double quotes, which scope names cannot hold (RFC 6749 §3.3): where a name ends is unambiguous. */
function quoted(scope: string): string {
  return `"${scope}"`;
}
