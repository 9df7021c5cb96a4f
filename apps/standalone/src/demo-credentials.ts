import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SeedDemoApplicationUseCase } from '@latchkey/exchange/feature';
import { SeedDemoClientResourceUseCase } from '@latchkey/face-api/feature';
import { SeedDemoIsvUseCase } from '@latchkey/issuer/feature';
import { SeedDemoApiUserUseCase, SeedDemoOperatorUseCase } from '@latchkey/rbac/feature';
import { DEV_IDP_NOTICE, type DevIdentityProvider } from './dev-identity-provider';
import { SAMPLE_API } from './supply-environment';

/** What `.data/demo-credentials.json` holds, for people and scripts. */
export interface DemoCredentials {
  readonly isv: { readonly id: string; readonly subscriptionKey: string | null };
  readonly client: { readonly resourceId: string; readonly subscriptionKey: string | null };
  /**
   * The platform operator: the development identity provider's demo user (null ids and no roles without it),
   * the roles they hold, and the operator console's OAuth application with the audience and scope of the
   * admin APIs' tokens (`npm run operator-token`).
   */
  readonly operator: {
    readonly personId: string | null;
    readonly tenantId: string | null;
    readonly objectId: string | null;
    readonly roles: readonly string[];
    readonly clientId: string;
    readonly clientSecret: string | null;
    readonly audience: string;
    readonly scope: string;
  };
  /** Every operator role the rbac service seeded. */
  readonly operatorRoles: readonly string[];
  readonly oauthApplication: { readonly clientId: string; readonly clientSecret: string | null; readonly scopes: readonly string[] };
  /**
   * The sample protected API (testapi) behind the exchange's gateway: the URL a caller sends the demo user's
   * Entra token to (with the demo OAuth application's client id and a scope), and the role granting its
   * permissions, held by the demo user (null without the development identity provider).
   */
  readonly sampleApi: {
    readonly gatewayUrl: string;
    readonly role: string;
    readonly permissions: readonly string[];
    readonly holder: string | null;
  };
  readonly services: Readonly<Record<string, string>>;
  /** Null when LATCHKEY_STANDALONE_DEV_IDP=false. */
  readonly devIdentityProvider: {
    readonly notice: string;
    readonly tokenEndpoint: string;
    readonly tenantId: string;
    readonly userObjectId: string;
    readonly issuer: string;
  } | null;
}

async function readPrevious(path: string): Promise<Partial<DemoCredentials> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Partial<DemoCredentials>;
  } catch {
    return undefined;
  }
}

/**
 * Seeds the demo records through each service's own use case (each creates
 * its record once) and writes the credentials file with mode 0600. Secrets
 * exist in clear only at creation, so on later starts the file keeps the
 * ones written the first time; a secret that was created before the file
 * was lost shows as null.
 */
export async function seedDemo(
  apps: ReadonlyMap<string, INestApplication>,
  services: Readonly<Record<string, string>>,
  devIdp: DevIdentityProvider | undefined,
  dataDir: string,
): Promise<{ credentials: DemoCredentials; path: string; created: boolean }> {
  const path = join(dataDir, 'demo-credentials.json');
  const app = (name: string) => {
    const found = apps.get(name);
    if (!found) throw new Error(`service ${name} is not running`);
    return found;
  };
  const exchange = app('exchange').get(SeedDemoApplicationUseCase);
  const demoUser = devIdp && {
    tenantId: devIdp.tenantId,
    objectId: devIdp.userObjectId,
    displayName: devIdp.userDisplayName,
    username: devIdp.username,
  };
  const [isv, client, application, operatorApp, personId] = await Promise.all([
    app('issuer').get(SeedDemoIsvUseCase).execute(),
    app('face-api').get(SeedDemoClientResourceUseCase).execute(),
    exchange.execute(),
    exchange.operatorConsole(),
    // The demo user's person, as their first exchange would map them, so that they hold the role before it.
    demoUser && exchange.person(demoUser),
  ]);
  const demoPerson = demoUser && personId ? { personId, tenantId: demoUser.tenantId, displayName: demoUser.displayName } : undefined;
  const operators = await app('rbac').get(SeedDemoOperatorUseCase).execute(demoPerson);
  // The role of the sample API, so that the demo user's calls through the gateway are allowed (README "Try it").
  const apiUser = await app('rbac').get(SeedDemoApiUserUseCase).execute(demoPerson);
  const previous = await readPrevious(path);
  const credentials: DemoCredentials = {
    isv: { id: isv.isvId, subscriptionKey: isv.subscriptionKey ?? previous?.isv?.subscriptionKey ?? null },
    client: { resourceId: client.resourceId, subscriptionKey: client.subscriptionKey ?? previous?.client?.subscriptionKey ?? null },
    operator: {
      personId: personId ?? null,
      tenantId: demoUser?.tenantId ?? null,
      objectId: demoUser?.objectId ?? null,
      roles: operators.operator?.roles ?? [],
      clientId: operatorApp.clientId,
      clientSecret: operatorApp.clientSecret ?? previous?.operator?.clientSecret ?? null,
      audience: operatorApp.audience,
      scope: operatorApp.scope,
    },
    operatorRoles: operators.roles,
    oauthApplication: {
      clientId: application.clientId,
      clientSecret: application.clientSecret ?? previous?.oauthApplication?.clientSecret ?? null,
      scopes: application.scopes,
    },
    sampleApi: {
      gatewayUrl: `${services['exchange'] ?? '<exchange url>'}/api/services/v1/${SAMPLE_API.name}`,
      role: apiUser.role,
      permissions: apiUser.permissions,
      holder: apiUser.personId ?? null,
    },
    services,
    devIdentityProvider: devIdp
      ? {
          notice: DEV_IDP_NOTICE,
          tokenEndpoint: devIdp.tokenEndpoint,
          tenantId: devIdp.tenantId,
          userObjectId: devIdp.userObjectId,
          issuer: devIdp.issuer,
        }
      : null,
  };
  await writeFile(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode applies only when it creates the file
  return { credentials, path, created: isv.subscriptionKey !== undefined };
}
