import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/** An RS256 signing key as an identity provider holds it. */
export interface RsaSigningKey {
  readonly kid: string;
  /** Private JWK with `kid`, `alg: RS256`, `use: sig` (what `oidc-provider`'s `jwks` option takes). */
  readonly privateJwk: JsonWebKey;
  /** The public members only, with `kid`, `alg`, `use`. */
  readonly publicJwk: JsonWebKey;
  readonly privateKey: KeyObject;
}

/** A fresh 2048-bit RSA key whose `kid` is a hash of its modulus (Entra's kids look like x5t thumbprints). */
export function generateRsaSigningKey(): RsaSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(pub.n ?? '')
    .digest('base64url')
    .slice(0, 27);
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { kty: pub.kty, n: pub.n, e: pub.e, ...meta },
    privateKey,
  };
}
