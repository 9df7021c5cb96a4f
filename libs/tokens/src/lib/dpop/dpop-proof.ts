import { createHash } from 'node:crypto';
import { Jti, LatchkeyError } from '@latchkey/contracts';
import { calculateJwkThumbprint, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';
import { decodeBase64urlStrict } from '../base64url';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../verify-jwt';

/**
 * Why a DPoP proof (RFC 9449) was refused. Stable strings, like the
 * `TOKENS.*` codes; a transport answers all of them with `invalid_dpop_proof`
 * (RFC 9449 §7.1) but logs and denial events keep the precise reason.
 * `DPOP.REPLAYED` is thrown by the caller, which owns the replay cache.
 */
export const DPOP_PROOF_ERROR_CODES = [
  'DPOP.MISSING',
  'DPOP.MULTIPLE',
  'DPOP.TOO_LARGE',
  'DPOP.MALFORMED',
  'DPOP.WRONG_TYPE',
  'DPOP.ALG_NOT_ALLOWED',
  'DPOP.KEY_INVALID',
  'DPOP.BAD_SIGNATURE',
  'DPOP.CLAIMS_INVALID',
  'DPOP.WRONG_METHOD',
  'DPOP.WRONG_URL',
  'DPOP.STALE',
  'DPOP.NOT_YET_VALID',
  'DPOP.ATH_MISMATCH',
  'DPOP.KEY_MISMATCH',
  'DPOP.REPLAYED',
  // The verifier's own expectations are broken, not the proof.
  'DPOP.OPTIONS_INVALID',
] as const;

/** One of {@link DPOP_PROOF_ERROR_CODES}. */
export type DpopProofErrorCode = (typeof DPOP_PROOF_ERROR_CODES)[number];

/**
 * A refused DPoP proof. Its own class rather than a `TokenError` because a
 * proof is not a token of ours: it is signed by the client's key and fails
 * for client-side reasons. The message never contains the proof or the
 * access token; a `jose` error, when there is one, is kept as `cause`.
 */
export class DpopProofError extends LatchkeyError<DpopProofErrorCode> {
  constructor(
    code: DpopProofErrorCode,
    message: string,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = 'DpopProofError';
  }
}

/** Largest proof accepted, checked before any parsing. An RSA-4096 proof is about 1.9 KiB. */
export const MAX_DPOP_PROOF_BYTES = 4 * 1024;

/** Default age limit of a proof's `iat`, in seconds (RFC 9449 §11.1: a short window bounds the replay cache). */
export const DEFAULT_DPOP_MAX_AGE_SECONDS = 60;

/**
 * Default accepted algorithms. Asymmetric only (RFC 9449 §4.3 step 5): a
 * MAC key would have to be shared with the server, and `none` proves nothing.
 */
export const DEFAULT_DPOP_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'] as const;

/** Every algorithm `algorithms` may name; anything else is a verifier misconfiguration. */
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'EdDSA', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512',
]);

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const DPOP_TYP = 'dpop+jwt';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)$/;

/** What the request a proof arrived with says the proof must be about. */
export type DpopProofExpectations = {
  /** The request's HTTP method as received; `htm` must equal it exactly (methods are case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  /** The request's absolute URL; compared with `htu` without query and fragment (RFC 9449 §4.3 step 9). */
  readonly url: string;
  /** The verifier's clock. */
  readonly now: Date;
  /** Oldest `iat` accepted, in seconds before `now` (the tolerance is added); default {@link DEFAULT_DPOP_MAX_AGE_SECONDS}. */
  readonly maxAgeSeconds?: number;
  /** Seconds of clock skew allowed either way; default {@link DEFAULT_CLOCK_TOLERANCE_SECONDS}. */
  readonly clockToleranceSeconds?: number;
  /** The access token presented with the proof (resource server side): `ath` must be its hash (RFC 9449 §4.3 step 11). */
  readonly accessToken?: string;
  /** The token's `cnf.jkt`: the proof key's RFC 7638 thumbprint must equal it (RFC 9449 §6.1). */
  readonly expectedJkt?: string;
  /** Accepted `alg` values, asymmetric only; default {@link DEFAULT_DPOP_ALGORITHMS}. */
  readonly algorithms?: readonly string[];
};

/** A proof that passed every check. Replay detection is the caller's (see `DpopReplayCache`). */
export type VerifiedDpopProof = {
  /** SHA-256 thumbprint of the proof key (base64url), the value a bound token carries as `cnf.jkt`. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
};

/** RFC 7519 allows fractional NumericDates; clients that send them are not wrong. */
const DpopClaims = z.object({
  jti: Jti,
  htm: z.string().min(1),
  htu: z.string().min(1),
  iat: z.number().nonnegative(),
  ath: z.string().optional(),
});

/**
 * Verifies a DPoP proof (the `DPoP` request header) against the request it
 * came with, in the order of RFC 9449 §4.3: one proof, size, compact shape,
 * `typ: dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` header, the
 * signature under that key, the claims, `htm`, `htu`, `iat`, `ath`, then
 * the key binding. Pure: replay detection and nonces are the caller's.
 *
 * @throws DpopProofError with a `DPOP.*` code; never a raw jose error.
 */
export async function verifyDpopProof(proof: string | undefined, expected: DpopProofExpectations): Promise<VerifiedDpopProof> {
  const { nowSeconds, maxAge, tolerance, algorithms, requestUrl } = checkedExpectations(expected);

  if (proof === undefined || proof === '') throw new DpopProofError('DPOP.MISSING', 'no DPoP proof');
  if (typeof proof !== 'string') throw new DpopProofError('DPOP.MALFORMED', 'the DPoP proof is not a string');
  // Node joins a repeated header with ", "; a compact JWS has no comma.
  if (proof.includes(',')) throw new DpopProofError('DPOP.MULTIPLE', 'more than one DPoP proof');
  if (proof.length > MAX_DPOP_PROOF_BYTES) {
    throw new DpopProofError('DPOP.TOO_LARGE', `the DPoP proof exceeds ${MAX_DPOP_PROOF_BYTES} bytes`, { length: proof.length });
  }
  // The signature segment is not signed; only its canonical spelling is accepted (see decodeBase64urlStrict).
  const shape = COMPACT_JWS.exec(proof);
  if (shape === null || decodeBase64urlStrict(shape[1] ?? '') === undefined) {
    throw new DpopProofError('DPOP.MALFORMED', 'the DPoP proof is not a compact JWS in canonical base64url');
  }

  const { alg, jwk } = checkedHeader(proof, algorithms);
  const key = await publicKeyOf(jwk, alg);
  let payload: unknown;
  try {
    // currentDate and tolerance matter only for an optional exp/nbf, which jose checks when present.
    ({ payload } = await jwtVerify(proof, key, { algorithms: [alg], currentDate: expected.now, clockTolerance: tolerance }));
  } catch (error) {
    throw dpopErrorFromJose(error);
  }

  const parsed = DpopClaims.safeParse(payload);
  if (!parsed.success) {
    const claims = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '(root)')))].join(', ');
    throw new DpopProofError('DPOP.CLAIMS_INVALID', `the DPoP proof claims are missing or invalid: ${claims}`);
  }
  const { jti, htm, htu, iat, ath } = parsed.data;
  if (htm !== expected.method) throw new DpopProofError('DPOP.WRONG_METHOD', 'the DPoP proof is for another HTTP method', { jti });
  if (comparableHtu(htu) !== requestUrl) throw new DpopProofError('DPOP.WRONG_URL', 'the DPoP proof is for another URL', { jti });
  if (iat > nowSeconds + tolerance) throw new DpopProofError('DPOP.NOT_YET_VALID', 'the DPoP proof was issued in the future', { jti });
  if (nowSeconds - iat > maxAge + tolerance) throw new DpopProofError('DPOP.STALE', 'the DPoP proof is too old', { jti });
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken)) {
    throw new DpopProofError('DPOP.ATH_MISMATCH', 'the DPoP proof is not bound to the presented access token (ath)', { jti });
  }

  const jkt = await thumbprintOf(jwk);
  if (expected.expectedJkt !== undefined && jkt !== expected.expectedJkt) {
    throw new DpopProofError('DPOP.KEY_MISMATCH', 'the DPoP proof key is not the one the token is bound to', { jti, jkt });
  }
  return { jkt, jti, iat };
}

/** Whether `jwk` carries a private or symmetric key member; such a key must never travel in a header. */
export function hasPrivateJwkMembers(jwk: object): boolean {
  return PRIVATE_JWK_MEMBERS.some((member) => Object.prototype.hasOwnProperty.call(jwk, member));
}

/** `ath` (RFC 9449 §4.2): base64url SHA-256 of the ASCII access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'utf8').digest('base64url');
}

/**
 * The form in which `htu` and the request URL are compared: http(s) only,
 * query and fragment dropped (RFC 9449 §4.3 step 9), with the syntax- and
 * scheme-based normalisation it recommends (RFC 3986 §6.2.2, §6.2.3): URL
 * parsing lowercases scheme and host, drops a default port, resolves dot
 * segments and gives an empty path `/`; percent-encodings are upper-cased
 * and unreserved characters decoded here. Undefined when not such a URL.
 */
function comparableHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.search = '';
  url.hash = '';
  return url.href.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return /^[A-Za-z0-9._~-]$/.test(char) ? char : escape.toUpperCase();
  });
}

type CheckedExpectations = {
  readonly nowSeconds: number;
  readonly maxAge: number;
  readonly tolerance: number;
  readonly algorithms: readonly string[];
  readonly requestUrl: string;
};

/** The verifier's own inputs, checked first: a broken configuration must not read as a client error. */
function checkedExpectations(expected: DpopProofExpectations): CheckedExpectations {
  const ms = expected.now.getTime();
  const maxAge = expected.maxAgeSeconds ?? DEFAULT_DPOP_MAX_AGE_SECONDS;
  const tolerance = expected.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const algorithms = expected.algorithms ?? DEFAULT_DPOP_ALGORITHMS;
  const requestUrl = comparableHtu(expected.url);
  const invalid = (what: string) => new DpopProofError('DPOP.OPTIONS_INVALID', `the DPoP verifier was given ${what}`);
  if (!Number.isFinite(ms)) throw invalid('an invalid date');
  if (!(maxAge >= 0 && Number.isFinite(maxAge)) || !(tolerance >= 0 && Number.isFinite(tolerance))) {
    throw invalid('a negative or infinite time window');
  }
  if (algorithms.length === 0 || !algorithms.every((alg) => ASYMMETRIC_ALGORITHMS.has(alg))) {
    throw invalid('an empty list of algorithms or a non-asymmetric one');
  }
  if (requestUrl === undefined) throw invalid('a request URL that is not an absolute http(s) URL');
  return { nowSeconds: Math.floor(ms / 1000), maxAge, tolerance, algorithms, requestUrl };
}

/** `typ`, `alg` and `jwk` of the protected header (RFC 9449 §4.3 steps 4, 5, 7). */
function checkedHeader(proof: string, algorithms: readonly string[]): { alg: string; jwk: JWK } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (cause) {
    throw new DpopProofError('DPOP.MALFORMED', 'the DPoP proof header is not a JSON object', {}, { cause });
  }
  // Exactly the media type RFC 9449 §4.2 names; jose's own check would also take `application/dpop+jwt`.
  if (header.typ !== DPOP_TYP) throw new DpopProofError('DPOP.WRONG_TYPE', `the DPoP proof typ is not ${DPOP_TYP}`);
  const { alg, jwk } = header;
  // A distinct code: RFC 9449 §7.1 lets the server answer with the algorithms it accepts.
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw new DpopProofError('DPOP.ALG_NOT_ALLOWED', 'the DPoP proof alg is not accepted');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new DpopProofError('DPOP.KEY_INVALID', 'the DPoP proof header carries no jwk');
  }
  if (hasPrivateJwkMembers(jwk)) throw new DpopProofError('DPOP.KEY_INVALID', 'the DPoP proof jwk is not a public key');
  return { alg, jwk };
}

async function publicKeyOf(jwk: JWK, alg: string): Promise<KeyLike> {
  let key: KeyLike | Uint8Array;
  try {
    key = await importJWK({ ...jwk }, alg);
  } catch (cause) {
    throw new DpopProofError('DPOP.KEY_INVALID', 'the DPoP proof jwk is not a usable key', {}, { cause });
  }
  // Belt and braces for key types whose private members the list above does not know.
  if (key instanceof Uint8Array || key.type !== 'public') {
    throw new DpopProofError('DPOP.KEY_INVALID', 'the DPoP proof jwk is not a public key');
  }
  return key;
}

/** RFC 7638 SHA-256 thumbprint; the key imported, so this fails only on a jose change, still as a DpopProofError. */
async function thumbprintOf(jwk: JWK): Promise<string> {
  try {
    return await calculateJwkThumbprint(jwk, 'sha256');
  } catch (cause) {
    throw new DpopProofError('DPOP.KEY_INVALID', 'the DPoP proof jwk has no thumbprint', {}, { cause });
  }
}

function dpopErrorFromJose(error: unknown): DpopProofError {
  const refuse = (code: DpopProofErrorCode, message: string) => new DpopProofError(code, message, {}, { cause: error });
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('DPOP.BAD_SIGNATURE', 'the DPoP proof signature does not verify');
  // JWTExpired extends JWTClaimValidationFailed: test it first.
  if (error instanceof errors.JWTExpired) return refuse('DPOP.STALE', 'the DPoP proof has expired (exp)');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') return refuse('DPOP.NOT_YET_VALID', 'the DPoP proof is not valid yet (nbf)');
    return refuse('DPOP.CLAIMS_INVALID', `the DPoP proof "${error.claim}" claim is invalid`);
  }
  // jose reports a key that does not fit `alg` (curve, key type, RSA under 2048 bits) as a TypeError.
  if (error instanceof TypeError) return refuse('DPOP.KEY_INVALID', 'the DPoP proof jwk does not fit its alg');
  return refuse('DPOP.MALFORMED', 'the DPoP proof is not a well-formed signed JWT');
}
