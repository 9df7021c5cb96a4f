/**
 * The JWS algorithms Latchkey signs with and accepts. Asymmetric only
 * (ARCHITECTURE.md "Token profiles"): a verifier holds no secret that could
 * mint tokens, and `none`/HMAC can never be selected by a token header.
 * Verifiers pin exactly this list, so a JWKS may mix keys of both kinds
 * during a change of default algorithm.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;

/** One of {@link SIGNING_ALGORITHMS}. `EdDSA` keys are Ed25519 (RFC 8037). */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** Whether `value` names an algorithm of {@link SIGNING_ALGORITHMS}. */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly unknown[]).includes(value);
}

/**
 * The algorithm of newly generated signing keys: EdDSA (Ed25519), chosen by
 * measurement of what the issuer does on every request, signing.
 *
 * `npx tsx tools/bench/sign-rate.ts 6 6` (node 20.20, OpenSSL 3.0, 2 vCPU
 * AMD EPYC shared with other work; jose SignJWT/jwtVerify, pre-imported
 * keys, realistic LAT payload; ops/s, 32 in flight | 1 in flight):
 *
 *   sign    ES256 19,986 | 6,859   EdDSA 21,339 | 8,929
 *   verify  ES256 12,320 | 5,215   EdDSA 10,931 | 4,899
 *
 * Over five runs EdDSA signed faster in every run through this lib (+4 %
 * to +31 % at 32 in flight) and with one call in flight (+21 % to +57 %),
 * while ES256 verified faster (+2 % to +40 %). Issuance is the hot path
 * with a latency target, so signing decides; the verification gap is the
 * price, paid by resource servers, and the reason to revisit this if they
 * become CPU-bound. Ed25519 also signs deterministically (no per-signature
 * nonce to get wrong) and its signatures are not malleable (ECDSA's (r, s)
 * and (r, n−s) both verify), so one token has exactly one valid encoding.
 * Verifiers accept both algorithms, so changing this constant needs no
 * verifier change: the next rotation simply publishes the other kind.
 */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'EdDSA';
