import { Injectable } from '@nestjs/common';
import { OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';

/** The demo OAuth application's client id (a fixed GUID so restarts find it). */
export const DEMO_CLIENT_ID = '6f1c2b0e-3d4a-4c5b-9e8f-1a2b3c4d5e6f';

/** Creates the demo OAuth application unless it exists; returns its secret only when created. */
@Injectable()
export class SeedDemoApplicationUseCase {
  constructor(private readonly applications: OAuthApplicationRepository) {}

  async execute(): Promise<{ clientId: string; clientSecret?: string; scopes: string[] }> {
    const clientSecret = generateApiKey('app');
    const scopes = ['api://latchkey/testapi.read'];
    const created = await this.applications.insertIfAbsent({
      clientId: DEMO_CLIENT_ID,
      displayName: 'Demo internal API client',
      allowedScopes: scopes,
      clientSecretHash: hashApiKey(clientSecret),
    });
    return created ? { clientId: DEMO_CLIENT_ID, clientSecret, scopes } : { clientId: DEMO_CLIENT_ID, scopes };
  }
}
