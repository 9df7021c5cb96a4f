import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';
import { DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm } from './signing-algorithm';
import { TokenError } from './token-error';

/**
 * The public half of a signing key as published in the JWKS: only the
 * members RFC 7517/7518/8037 define as public, plus `kid`, `alg` and
 * `use`. A type alias (not an interface) so it is assignable to generic
 * JSON Web Key types.
 */
export type PublicSigningJwk = {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  /** EC keys only. */
  readonly y?: string;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly use: 'sig';
};

/** A signing key with its private member `d`. Never logged, never published; stored only sealed. */
export type PrivateSigningJwk = PublicSigningJwk & { readonly d: string };

/**
 * One asymmetric signing key. `kid` is the RFC 7638 SHA-256 thumbprint of
 * the public key, so a `kid` names exactly one key everywhere (JWKS,
 * revocations of a signing key, `lat.issued` events) and cannot be reused
 * for a different key by mistake.
 */
export type SigningKey = {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: PublicSigningJwk;
  readonly privateJwk: PrivateSigningJwk;
  readonly createdAt: Date;
};

// 32-byte values (P-256 coordinates and scalar, Ed25519 keys) in base64url.
const Bytes32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The key material each algorithm needs; anything else is refused. */
const KeyMaterial = z.discriminatedUnion('kty', [
  z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: Bytes32, y: Bytes32, d: Bytes32 }),
  z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: Bytes32, d: Bytes32 }),
]);
type KeyMaterial = z.infer<typeof KeyMaterial>;

const ALG_OF_KTY: Record<KeyMaterial['kty'], SigningAlgorithm> = { EC: 'ES256', OKP: 'EdDSA' };
const CURVE_OF_ALG: Record<SigningAlgorithm, KeyMaterial['crv']> = { ES256: 'P-256', EdDSA: 'Ed25519' };

/**
 * Generates a new signing key for `alg` (`EdDSA` means Ed25519). The
 * private key is generated extractable because the issuer must persist it
 * (sealed, see `sealPrivateKey`) to keep signing across restarts.
 *
 * @param alg defaults to {@link DEFAULT_SIGNING_ALGORITHM}, chosen by measurement.
 * @param now creation time (an injectable clock); defaults to the current time.
 */
export async function generateSigningKey(
  alg: SigningAlgorithm = DEFAULT_SIGNING_ALGORITHM,
  now: Date = new Date(),
): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { crv: CURVE_OF_ALG[alg], extractable: true });
  return assemble(parseMaterial(await exportJWK(privateKey)), now);
}

/**
 * Rebuilds a {@link SigningKey} from a stored private JWK (e.g. the result
 * of `openPrivateKey`). Recomputes `kid` and refuses a JWK whose stored
 * `kid` or `alg` disagrees, or whose public members do not belong to its
 * private member: a corrupted key must fail at load, not produce tokens no
 * verifier accepts.
 *
 * @throws TokenError `TOKENS.KEY_INVALID`
 */
export async function restoreSigningKey(privateJwk: unknown, createdAt: Date): Promise<SigningKey> {
  const material = parseMaterial(privateJwk);
  assertPublicMatchesPrivate(material);
  const key = await assemble(material, createdAt);
  const stored = privateJwk as { kid?: unknown; alg?: unknown };
  if (stored.kid !== undefined && stored.kid !== key.kid) {
    throw new TokenError('TOKENS.KEY_INVALID', 'the stored kid is not the thumbprint of the key', { kid: key.kid });
  }
  if (stored.alg !== undefined && stored.alg !== key.alg) {
    throw new TokenError('TOKENS.KEY_INVALID', 'the stored alg does not match the key type', { kid: key.kid });
  }
  return key;
}

function parseMaterial(jwk: unknown): KeyMaterial {
  const parsed = KeyMaterial.safeParse(jwk);
  if (!parsed.success) {
    // The zod issue paths name members, never their values: safe to report.
    const members = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new TokenError('TOKENS.KEY_INVALID', `not a private ES256 (P-256) or EdDSA (Ed25519) JWK: ${members}`);
  }
  return parsed.data;
}

function assertPublicMatchesPrivate(material: KeyMaterial): void {
  let derived: { x?: string; y?: string };
  try {
    derived = createPublicKey(createPrivateKey({ key: material, format: 'jwk' })).export({ format: 'jwk' });
  } catch (cause) {
    throw new TokenError('TOKENS.KEY_INVALID', 'the private key cannot be imported', {}, { cause });
  }
  const y = material.kty === 'EC' ? material.y : undefined;
  if (derived.x !== material.x || derived.y !== y) {
    throw new TokenError('TOKENS.KEY_INVALID', 'the public members do not belong to the private key');
  }
}

async function assemble(material: KeyMaterial, createdAt: Date): Promise<SigningKey> {
  const alg = ALG_OF_KTY[material.kty];
  // RFC 7638 §3.2: the thumbprint covers only the required public members.
  const publicMembers = material.kty === 'EC'
    ? { kty: material.kty, crv: material.crv, x: material.x, y: material.y }
    : { kty: material.kty, crv: material.crv, x: material.x };
  const kid = await calculateJwkThumbprint(publicMembers, 'sha256');
  // Frozen: keys are cached by identity (the imported private key), so a
  // SigningKey must not change under the cache.
  const publicJwk: PublicSigningJwk = Object.freeze({ ...publicMembers, kid, alg, use: 'sig' as const });
  const privateJwk: PrivateSigningJwk = Object.freeze({ ...publicJwk, d: material.d });
  return Object.freeze({ kid, alg, publicJwk, privateJwk, createdAt: new Date(createdAt.getTime()) });
}
