import { createLocalJWKSet, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import type { z } from 'zod';
import { decodeBase64urlStrict } from './base64url';
import { tokenErrorFromJose } from './jose-error';
import { assertKeySelectingHeader } from './key-header';
import { RemoteJwks, remoteJwksResolver } from './remote-jwks';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithm';
import { TokenError } from './token-error';

/**
 * A JSON Web Key Set as a verifier receives it (fetched, parsed JSON) or
 * as `KeyRing.publicJwks()` builds it. Declared here so that no other lib
 * needs to import `jose` for the type.
 */
export type JsonWebKeySet = { readonly keys: readonly JWK[] };

/**
 * Where a verifier finds the issuer's keys: a key set it holds (the issuer's own ring, a test), or the
 * issuer's published JWKS over HTTP ({@link RemoteJwks}, from `createRemoteJwks`). Both go through the
 * same verification; an unknown `kid` is `TOKENS.UNKNOWN_KEY` with either.
 */
export type VerificationKeys = JsonWebKeySet | RemoteJwks;

/** Largest token accepted, checked before any parsing (a header cap bounds it anyway; this bounds the work). */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** Default clock tolerance, in seconds, for `exp`, `nbf` and `iat`. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/** What a verifier is told about where tokens must come from and be for. */
export type VerifyTokenOptions = {
  /**
   * The issuer's published keys: a key set (pass a new object when it changes: imported keys are cached per
   * object), or a {@link RemoteJwks} that fetches and caches them.
   */
  readonly jwks: VerificationKeys;
  /** The exact `iss` expected. */
  readonly issuer: string;
  /** The expected `aud`; canonicalised by the profile before comparison. */
  readonly audience: string;
  /** The verifier's clock; defaults to the current time. */
  readonly now?: Date;
  /** Seconds of clock skew allowed; default {@link DEFAULT_CLOCK_TOLERANCE_SECONDS}. */
  readonly clockToleranceSeconds?: number;
  /** Oldest `iat` accepted, in seconds before `now` (jose adds the tolerance); default per profile. */
  readonly maxTokenAgeSeconds?: number;
};

/** A token whose signature, header and claims all passed. */
export type VerifiedToken<C> = {
  readonly claims: C;
  /** The key that signed it, for signing-key revocations and logs. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
};

/** What distinguishes one token profile from another at verification. Internal. */
export type TokenProfile<C> = {
  readonly typ: string;
  readonly schema: z.ZodType<C>;
  readonly requiredClaims: readonly string[];
  /** Oldest `iat` accepted; unset for signed records that never expire (audit checkpoints). */
  readonly maxTokenAgeSeconds?: number;
};

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * Key resolvers by JWKS object. createLocalJWKSet imports each key once
 * and keeps it; building one per request would re-import per token, which
 * costs about as much as the verification itself.
 */
const resolvers = new WeakMap<JsonWebKeySet, JWTVerifyGetKey>();

function resolverFor(keys: VerificationKeys): JWTVerifyGetKey {
  return keys instanceof RemoteJwks ? remoteJwksResolver(keys) : localResolverFor(keys);
}

function localResolverFor(jwks: JsonWebKeySet): JWTVerifyGetKey {
  let resolver = resolvers.get(jwks);
  if (resolver === undefined) {
    let local: JWTVerifyGetKey;
    try {
      local = createLocalJWKSet({ keys: [...jwks.keys] }); // jose copies the set; it wants a mutable array
    } catch (cause) {
      throw new TokenError('TOKENS.JWKS_INVALID', 'the verifier JWKS is not a JSON Web Key Set', {}, { cause });
    }
    resolver = (header, token) => {
      assertKeySelectingHeader(header);
      return local(header, token);
    };
    resolvers.set(jwks, resolver);
  }
  return resolver;
}

/**
 * The one verification path of every profile: size, shape, signature
 * against the JWKS (held or fetched) with the algorithms pinned, `typ`, `iss`, `aud`, times,
 * required claims, then the profile's claim schema. Internal: profiles
 * expose their own typed functions.
 *
 * @throws TokenError with a verification code; never a raw jose error.
 */
export async function verifyJwt<C>(
  token: string,
  profile: TokenProfile<C>,
  options: VerifyTokenOptions,
): Promise<VerifiedToken<C>> {
  // Callers pass header values; a missing header must be refused, not crash.
  if (typeof token !== 'string') throw new TokenError('TOKENS.MALFORMED', 'no token');
  if (token.length > MAX_TOKEN_BYTES) {
    throw new TokenError('TOKENS.TOO_LARGE', `the token exceeds ${MAX_TOKEN_BYTES} bytes`, { length: token.length });
  }
  const shape = COMPACT_JWS.exec(token);
  // The header and payload are signed as text, so any change to them fails
  // the signature; the signature segment is not, and Node's lenient base64url
  // would accept variants of it. Only its canonical spelling is accepted.
  if (shape === null || decodeBase64urlStrict(shape[3] ?? '') === undefined) {
    throw new TokenError('TOKENS.MALFORMED', 'the token is not a compact JWS in canonical base64url');
  }

  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, resolverFor(options.jwks), {
      typ: profile.typ,
      algorithms: [...SIGNING_ALGORITHMS],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: [...profile.requiredClaims],
      clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: options.maxTokenAgeSeconds ?? profile.maxTokenAgeSeconds,
      currentDate: options.now,
    });
  } catch (error) {
    throw tokenErrorFromJose(error);
  }

  const { kid, alg } = verified.protectedHeader;
  const parsed = profile.schema.safeParse(verified.payload);
  if (!parsed.success) {
    const claims = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '(root)')))].join(', ');
    throw new TokenError('TOKENS.CLAIMS_INVALID', `the token claims do not match the ${profile.typ} profile: ${claims}`, { kid: kid ?? null });
  }
  // Both hold after jwtVerify (kid checked by the resolver, alg pinned); narrowed for the types.
  if (typeof kid !== 'string' || !isSigningAlgorithm(alg)) {
    throw new TokenError('TOKENS.MALFORMED', 'the token header lacks kid or a pinned alg');
  }
  return { claims: parsed.data, kid, alg };
}
