import { KeyObject, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { TokenError } from '../token-error';
import { accessTokenHash, hasPrivateJwkMembers } from './dpop-proof';

/** A JWK as other libs hold one without importing `jose` (e.g. `SigningKey.publicJwk`). */
type Jwk = { readonly kty: string; readonly [member: string]: unknown };

/** What a client proves possession of, and for which request. */
export type DpopProofInput = {
  /** The client's private key: a private JWK (e.g. `SigningKey.privateJwk`) or a Node KeyObject. */
  readonly privateKey: Jwk | KeyObject;
  /** Its public half, embedded as the `jwk` header; must hold no private member. */
  readonly publicJwk: Jwk;
  /** Default: the public JWK's `alg`. */
  readonly alg?: string;
  readonly method: string;
  /** The request URL; `htu` is it without query and fragment. */
  readonly url: string;
  /** NumericDate seconds; defaults to the current time. */
  readonly iat?: number;
  /** Defaults to a random UUID. */
  readonly jti?: string;
  /** When given, the proof carries its `ath` (a resource request with a bound token). */
  readonly accessToken?: string;
};

/**
 * Creates a DPoP proof (RFC 9449 §4.2) as a client would: for tests of the
 * services that verify proofs and for clients and tools of this platform,
 * so that neither needs `jose`. Not used on any server path.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for a public JWK with private members, no algorithm, or a URL that is not one.
 */
export async function createDpopProof(input: DpopProofInput): Promise<string> {
  const { privateKey, publicJwk, method, url } = input;
  // A proof travels in clear in a header: refuse rather than leak a private key put in the wrong slot.
  if (hasPrivateJwkMembers(publicJwk)) throw new TokenError('TOKENS.INPUT_INVALID', 'publicJwk holds a private key member');
  const alg = input.alg ?? publicJwk['alg'];
  if (typeof alg !== 'string') throw new TokenError('TOKENS.INPUT_INVALID', 'no alg given and publicJwk names none');
  let htu: URL;
  try {
    htu = new URL(url);
  } catch (cause) {
    throw new TokenError('TOKENS.INPUT_INVALID', 'url is not an absolute URL', {}, { cause });
  }
  htu.search = '';
  htu.hash = '';

  const signingKey: KeyLike | Uint8Array = privateKey instanceof KeyObject ? privateKey : await importJWK({ ...privateKey } as JWK, alg);
  const ath = input.accessToken === undefined ? {} : { ath: accessTokenHash(input.accessToken) };
  return new SignJWT({ jti: input.jti ?? randomUUID(), htm: method, htu: htu.href, iat: input.iat ?? Math.floor(Date.now() / 1000), ...ath })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: { ...publicJwk } as JWK })
    .sign(signingKey);
}
