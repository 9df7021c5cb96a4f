import { createLocalJWKSet, jwtVerify, type JWK, type JWTVerifyGetKey, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
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

/** The checks of {@link verifySignedJwt} beyond size, shape, signature and the pinned algorithms. */
type SignedJwtChecks = Pick<JWTVerifyOptions, 'typ' | 'issuer' | 'audience' | 'requiredClaims' | 'maxTokenAge' | 'currentDate'> & {
  readonly clockToleranceSeconds?: number;
};

/**
 * Size, shape, then the signature against the JWKS (held or fetched) with
 * the algorithms pinned and the given header, claim and time checks: the
 * part every verification shares.
 *
 * @throws TokenError with a verification code; never a raw jose error.
 */
async function verifySignedJwt(token: string, keys: VerificationKeys, checks: SignedJwtChecks): Promise<JWTVerifyResult> {
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

  const { clockToleranceSeconds, ...rest } = checks;
  try {
    return await jwtVerify(token, resolverFor(keys), {
      ...rest,
      algorithms: [...SIGNING_ALGORITHMS],
      clockTolerance: clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    });
  } catch (error) {
    throw tokenErrorFromJose(error);
  }
}

/**
 * The one verification path of every profile: {@link verifySignedJwt} with
 * the profile's `typ`, `iss`, `aud`, required claims and token age, then the
 * profile's claim schema. Internal: profiles expose their own typed functions.
 *
 * @throws TokenError with a verification code; never a raw jose error.
 */
export async function verifyJwt<C>(token: string, profile: TokenProfile<C>, options: VerifyTokenOptions): Promise<VerifiedToken<C>> {
  const verified = await verifySignedJwt(token, options.jwks, {
    typ: profile.typ,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: [...profile.requiredClaims],
    clockToleranceSeconds: options.clockToleranceSeconds,
    maxTokenAge: options.maxTokenAgeSeconds ?? profile.maxTokenAgeSeconds,
    currentDate: options.now,
  });
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

/** What an operator inspects: a verified token's header and claims, whatever its profile. */
export type InspectedToken = {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
};

/**
 * Verifies a token of any platform profile for inspection (the operator CLI's
 * `token verify`): size, shape, the signature with the platform's algorithms
 * pinned, the times, and `iss`/`aud` only when given. No `typ` or claim schema
 * is checked, so this must never authorise anything: services use their
 * profile's function.
 *
 * @throws TokenError with a verification code; never a raw jose error.
 */
export async function inspectPlatformJwt(
  token: string,
  options: { readonly jwks: JsonWebKeySet; readonly issuer?: string; readonly audience?: string; readonly now?: Date },
): Promise<InspectedToken> {
  const { payload, protectedHeader } = await verifySignedJwt(token, options.jwks, {
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    currentDate: options.now,
  });
  return { header: { ...protectedHeader }, claims: { ...payload } };
}
