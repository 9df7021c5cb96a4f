/**
 * The token-use benchmarks' stand-in issuer (like
 * apps/face-api/test/support/local-token-issuer.ts): one EdDSA and one
 * ES256 signing key, both published over real HTTP, so the face-api's guard
 * fetches and verifies the JWKS exactly as it would from the issuer; and
 * limited access tokens minted in this process, one at a time or in pools
 * signed before a measurement (never inside it).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { generateSigningKey, KeyRing, signLimitedAccessToken, type SigningAlgorithm, type SigningKey } from '@latchkey/tokens';

/** The ISV every benchmark token names. */
export const BENCH_TOKEN_ISV = 'isv-bench';
const LIFETIME_SECONDS = 3600;
/** Signatures in flight while a pool is signed: jose signs on libuv's thread pool, so both cores work. */
const SIGNING_CONCURRENCY = 32;

/** A pool of tokens and what it cost to sign. */
export interface TokenPool {
  readonly tokens: readonly string[];
  readonly alg: SigningAlgorithm;
  readonly signingMs: number;
}

export class BenchTokenIssuer {
  readonly issuer = 'https://issuer.bench.latchkey.example';
  private server: Server | undefined;

  private constructor(private readonly keys: Readonly<Record<SigningAlgorithm, SigningKey>>) {}

  static async create(): Promise<BenchTokenIssuer> {
    return new BenchTokenIssuer({ EdDSA: await generateSigningKey('EdDSA'), ES256: await generateSigningKey('ES256') });
  }

  /** Starts serving the JWKS (both keys); returns the env the face-api needs to trust it. */
  async start(): Promise<{ LATCHKEY_LAT_ISSUER: string; LATCHKEY_LAT_JWKS_URL: string }> {
    const keys = Object.values(this.keys).flatMap((key) => new KeyRing([{ key, status: 'active' }]).publicJwks().keys);
    const jwks = JSON.stringify({ keys });
    this.server = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return { LATCHKEY_LAT_ISSUER: this.issuer, LATCHKEY_LAT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` };
  }

  /** One token for `resourceId` with every feature, a fresh `jti`. */
  async mint(resourceId: string, alg: SigningAlgorithm = 'EdDSA'): Promise<{ token: string; jti: string }> {
    const jti = randomUUID();
    const signed = await signLimitedAccessToken(
      { issuer: this.issuer, isvId: BENCH_TOKEN_ISV, resourceId, features: FEATURE_FLAGS, lifetimeSeconds: LIFETIME_SECONDS, now: new Date(), jti },
      this.keys[alg],
    );
    return { token: signed.token, jti };
  }

  /** `count` distinct tokens (one `jti` each), signed with up to 32 in flight; timed. */
  async pool(resourceId: string, alg: SigningAlgorithm, count: number): Promise<TokenPool> {
    const started = performance.now();
    const tokens = new Array<string>(count);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) tokens[i] = (await this.mint(resourceId, alg)).token;
    };
    await Promise.all(Array.from({ length: Math.min(SIGNING_CONCURRENCY, count) }, worker));
    return { tokens, alg, signingMs: performance.now() - started };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
