import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { ADMIN_SCOPE } from '@latchkey/contracts';
import { OAuthApplicationRepository, type IdentitySighting, type NewOAuthApplication, type ScopePermissions } from '@latchkey/exchange/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';
import { MapIdentityUseCase } from './identities/map-identity.use-case';
import { exchangeTokensConfig } from './tokens/exchange-tokens.config';

/** The demo OAuth application's client id (a fixed GUID so restarts find it). */
export const DEMO_CLIENT_ID = '6f1c2b0e-3d4a-4c5b-9e8f-1a2b3c4d5e6f';

/** The operator console's client id: the OAuth application operators exchange their Entra token with for the admin APIs. */
export const OPERATOR_CONSOLE_CLIENT_ID = 'latchkey-operator-console';

/** The demo application's scopes: those of the sample protected API (testapi), each with the permission it names. */
const DEMO_SCOPES: ScopePermissions = { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'] };

/** The operator console's one scope: what each admin endpoint then allows is the rbac service's decision on the person's roles. */
const OPERATOR_CONSOLE_SCOPES: ScopePermissions = { [ADMIN_SCOPE]: [] };

/** A seeded OAuth application; the secret only when this call created it. */
export interface SeededApplication {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly scopes: string[];
}

/**
 * The demo records of the exchange, each created unless it exists: the demo
 * OAuth application, the operator console's application, and the person of
 * a given Entra identity. A secret is returned only when its application
 * was created; an application an earlier seed created with other scopes
 * gets the seed's scopes back (its secret and other policies are kept). Both applications create people on first sight, refuse
 * app-only tokens, and do not require the client id to match the token's
 * `azp` (the development identity provider's tokens name the demo
 * application).
 */
@Injectable()
export class SeedDemoApplicationUseCase {
  constructor(
    private readonly applications: OAuthApplicationRepository,
    private readonly identities: MapIdentityUseCase,
    @InjectConfig(exchangeTokensConfig) private readonly tokens: ConfigOf<typeof exchangeTokensConfig>,
  ) {}

  /** The demo internal API client: scopes `testapi.read` and `testapi.write` of the sample API. */
  execute(): Promise<SeededApplication> {
    return this.seed({ clientId: DEMO_CLIENT_ID, displayName: 'Demo internal API client', scopes: DEMO_SCOPES });
  }

  /**
   * The operator console: scope `latchkey.admin` only, for tokens of the
   * admin APIs' audience (returned too, as this exchange is configured).
   */
  async operatorConsole(): Promise<SeededApplication & { audience: string; scope: string }> {
    const seeded = await this.seed({
      clientId: OPERATOR_CONSOLE_CLIENT_ID,
      displayName: 'Operator console (admin APIs)',
      scopes: OPERATOR_CONSOLE_SCOPES,
    });
    return { ...seeded, audience: this.tokens.LATCHKEY_EXCHANGE_ADMIN_AUDIENCE, scope: ADMIN_SCOPE };
  }

  /**
   * The person of an Entra identity (`tid`, `oid`), found or created as a
   * first exchange would (`identity.created` with it), so that roles can be
   * given to them before they exchange a token.
   */
  async person(sighting: IdentitySighting): Promise<string> {
    const mapped = await this.identities.execute(sighting, 'create');
    if (!mapped.ok) throw new Error(`the identity could not be mapped to a person: ${mapped.code}`);
    return mapped.personId;
  }

  private async seed(app: Pick<NewOAuthApplication, 'clientId' | 'displayName' | 'scopes'>): Promise<SeededApplication> {
    const clientSecret = generateApiKey('app');
    const scopes = Object.keys(app.scopes ?? {});
    const created = await this.applications.insertIfAbsent({
      ...app,
      requireClientMatch: false,
      appOnlyPolicy: 'deny',
      provisioning: 'create',
      clientSecretHash: hashApiKey(clientSecret),
    });
    if (created) return { clientId: app.clientId, clientSecret, scopes };
    const stored = await this.applications.findByClientId(app.clientId);
    if (stored !== undefined && !sameScopes(stored.scopes, app.scopes ?? {})) await this.applications.update(app.clientId, { scopes: app.scopes });
    return { clientId: app.clientId, scopes };
  }
}

/** Whether two scope maps name the same scopes with the same permissions (order aside). */
function sameScopes(a: ScopePermissions, b: ScopePermissions): boolean {
  const canonical = (scopes: ScopePermissions) =>
    JSON.stringify(
      Object.keys(scopes)
        .sort()
        .map((scope) => [scope, [...(scopes[scope] ?? [])].sort()]),
    );
  return canonical(a) === canonical(b);
}
