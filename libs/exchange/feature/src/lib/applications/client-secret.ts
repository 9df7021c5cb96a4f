import type { OAuthApplication } from '@latchkey/exchange/data-access';
import { apiKeyMatches } from '@latchkey/tokens';

/**
 * Whether `presented` is the application's client secret (RFC 8693 client
 * authentication at /oauth2/token), compared in constant time with the
 * stored SHA-256. An application without a secret authenticates nobody.
 */
export function clientSecretMatches(app: Pick<OAuthApplication, 'clientSecretHash'>, presented: string): boolean {
  return app.clientSecretHash !== null && presented.length > 0 && apiKeyMatches(presented, app.clientSecretHash);
}
