import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FEATURE_FLAGS, type FeatureFlag } from '@latchkey/contracts';
import { generateSigningKey, KeyRing, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';

/**
 * A stand-in issuer for tests about the Face operations themselves: it signs
 * limited access tokens with a key of its own and publishes that key over
 * real HTTP, so face-api fetches and verifies exactly as it would from the
 * issuer. (The token-use tests run against the real issuer.)
 */
export class LocalTokenIssuer {
  readonly issuer = 'https://issuer.test';
  private server: Server | undefined;
  private key: SigningKey | undefined;

  /** Starts serving the JWKS; returns the env the face-api needs to trust it. */
  async start(): Promise<Record<string, string>> {
    this.key = await generateSigningKey('EdDSA');
    const jwks = JSON.stringify(new KeyRing([{ key: this.key, status: 'active' }]).publicJwks());
    this.server = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return { LATCHKEY_LAT_ISSUER: this.issuer, LATCHKEY_LAT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` };
  }

  /** A token for `resourceId` with `features` (default: all three). */
  async mint(resourceId: string, features: readonly FeatureFlag[] = FEATURE_FLAGS): Promise<string> {
    if (!this.key) throw new Error('start() the local issuer first');
    const signed = await signLimitedAccessToken(
      { issuer: this.issuer, isvId: 'isv-local', resourceId, features, lifetimeSeconds: 3600, now: new Date(), jti: randomUUID() },
      this.key,
    );
    return signed.token;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
