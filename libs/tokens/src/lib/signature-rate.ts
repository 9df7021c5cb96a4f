import { randomUUID } from 'node:crypto';
import { LAT_LIFETIME_DEFAULT_SECONDS, LAT_TYP } from '@latchkey/contracts';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { measureOperationRate, type OperationRate } from './operation-rate';
import type { SigningAlgorithm } from './signing-algorithm';

/** Raw signing and verification throughput of one algorithm on this machine. */
export type SignatureRate = {
  readonly alg: SigningAlgorithm;
  /** One call at a time: the per-token cost. */
  readonly sign: OperationRate;
  readonly verify: OperationRate;
  /** `concurrency` calls in flight: what a busy server gets (jose uses the thread pool). */
  readonly signConcurrent: OperationRate;
  readonly verifyConcurrent: OperationRate;
  /** Length of one measured token, to compare sizes between algorithms. */
  readonly tokenLength: number;
};

const ISSUER = 'https://issuer.latchkey.example';
const RESOURCE =
  '/subscriptions/8f4b2c1e-3d5a-4e6f-9a7b-1c2d3e4f5a6b/resourcegroups/rg-contoso-prod/providers/microsoft.cognitiveservices/accounts/face-contoso-prod';

/** A LAT payload of realistic size: two features, a canonical resource id, a fresh jti per token. */
function latPayload(nowSeconds: number): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: RESOURCE,
    sub: RESOURCE,
    isv: 'isv-3f2a9c1e',
    features: ['Face.Identification', 'Face.Verification'],
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + LAT_LIFETIME_DEFAULT_SECONDS,
    jti: randomUUID(),
  };
}

/**
 * Measures the cost of the signature itself, as `jose`'s SignJWT and
 * jwtVerify pay it with pre-imported keys (no JWK import, no schema, no
 * JWKS lookup). Exported so that benchmarks in `tools/bench` can put the
 * raw rate beside the issuer's throughput in the same run without
 * importing `jose` outside this lib.
 *
 * @param durationMs time spent on each of the four measurements, after a short warm-up.
 * @param concurrency calls in flight for the concurrent measurements.
 */
export async function measureSignatureRate(
  alg: SigningAlgorithm,
  durationMs = 3_000,
  concurrency = 32,
): Promise<SignatureRate> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : 'P-256' });
  const header = { alg, kid: 'bench', typ: LAT_TYP };
  const nowSeconds = Math.floor(Date.now() / 1000);
  const sign = () => new SignJWT(latPayload(nowSeconds)).setProtectedHeader(header).sign(privateKey);

  const token = await sign();
  const verify = () =>
    jwtVerify(token, publicKey, {
      typ: LAT_TYP,
      algorithms: [alg],
      issuer: ISSUER,
      audience: RESOURCE,
      requiredClaims: ['exp', 'iat', 'nbf', 'jti', 'aud', 'sub', 'features'],
    });

  // Warm-up: let the JIT settle so that the first algorithm measured is not penalised.
  const warmUpMs = Math.min(300, durationMs / 4);
  await measureOperationRate(warmUpMs, sign);
  await measureOperationRate(warmUpMs, verify);

  return {
    alg,
    sign: await measureOperationRate(durationMs, sign),
    verify: await measureOperationRate(durationMs, verify),
    signConcurrent: await measureOperationRate(durationMs, sign, concurrency),
    verifyConcurrent: await measureOperationRate(durationMs, verify, concurrency),
    tokenLength: token.length,
  };
}
