import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SeedDemoApplicationUseCase } from '@latchkey/exchange/feature';
import { SeedDemoClientResourceUseCase } from '@latchkey/face-api/feature';
import { SeedDemoIsvUseCase } from '@latchkey/issuer/feature';
import { SeedDemoOperatorUseCase } from '@latchkey/rbac/feature';

/** What `.data/demo-credentials.json` holds, for people and scripts. */
export interface DemoCredentials {
  readonly isv: { readonly id: string; readonly subscriptionKey: string | null };
  readonly client: { readonly resourceId: string; readonly subscriptionKey: string | null };
  readonly operator: { readonly id: string; readonly apiKey: string | null };
  readonly oauthApplication: { readonly clientId: string; readonly clientSecret: string | null; readonly scopes: readonly string[] };
  readonly services: Readonly<Record<string, string>>;
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
  dataDir: string,
): Promise<{ credentials: DemoCredentials; path: string; created: boolean }> {
  const path = join(dataDir, 'demo-credentials.json');
  const app = (name: string) => {
    const found = apps.get(name);
    if (!found) throw new Error(`service ${name} is not running`);
    return found;
  };
  const [isv, client, operator, application] = await Promise.all([
    app('issuer').get(SeedDemoIsvUseCase).execute(),
    app('face-api').get(SeedDemoClientResourceUseCase).execute(),
    app('rbac').get(SeedDemoOperatorUseCase).execute(),
    app('exchange').get(SeedDemoApplicationUseCase).execute(),
  ]);
  const previous = await readPrevious(path);
  const credentials: DemoCredentials = {
    isv: { id: isv.isvId, subscriptionKey: isv.subscriptionKey ?? previous?.isv?.subscriptionKey ?? null },
    client: { resourceId: client.resourceId, subscriptionKey: client.subscriptionKey ?? previous?.client?.subscriptionKey ?? null },
    operator: { id: operator.operatorId, apiKey: operator.apiKey ?? previous?.operator?.apiKey ?? null },
    oauthApplication: {
      clientId: application.clientId,
      clientSecret: application.clientSecret ?? previous?.oauthApplication?.clientSecret ?? null,
      scopes: application.scopes,
    },
    services,
  };
  await writeFile(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode applies only when it creates the file
  return { credentials, path, created: isv.subscriptionKey !== undefined };
}
