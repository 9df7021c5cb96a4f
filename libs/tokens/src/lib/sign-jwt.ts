import { importJWK, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import type { z } from 'zod';
import { inSpan } from '@latchkey/telemetry';
import type { SigningKey } from './signing-key';
import { TokenError } from './token-error';

/** A freshly signed token with the claims it carries (for the issuance record and its event). */
export type SignedToken<C> = {
  /** The compact JWS. A credential: never log it. */
  readonly token: string;
  readonly claims: C;
  /** The signing key's id, as in the header. */
  readonly kid: string;
};

/** What distinguishes one token profile from another at signing. Internal. */
export type SigningProfile<C> = {
  readonly typ: string;
  readonly schema: z.ZodType<C>;
};

/**
 * Imported private keys, by SigningKey identity. Importing a JWK costs
 * about as much as a signature, so doing it per token would halve the
 * issuer's throughput; a WeakMap lets a key dropped from the ring take its
 * imported form with it.
 */
const imported = new WeakMap<SigningKey, Promise<KeyLike | Uint8Array>>();

function privateKeyOf(key: SigningKey): Promise<KeyLike | Uint8Array> {
  let pending = imported.get(key);
  if (pending === undefined) {
    pending = importJWK({ ...key.privateJwk }, key.alg);
    // A failed import must not stay cached: the next call retries and reports.
    pending.catch(() => imported.delete(key));
    imported.set(key, pending);
  }
  return pending;
}

/**
 * Whole seconds since the epoch (RFC 7519 NumericDate) of `now`.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for an invalid Date.
 */
export function numericDate(now: Date): number {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new TokenError('TOKENS.INPUT_INVALID', '`now` is not a valid date');
  return Math.floor(ms / 1000);
}

/**
 * The one signing path of every profile: the claims pass the profile's
 * schema first, and exactly the parsed claims are signed, with the header
 * `{ alg, kid, typ }`. Internal: profiles expose their own typed functions.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` when the claims do not fit the profile (nothing is signed).
 */
export async function signJwt<C extends JWTPayload>(key: SigningKey, profile: SigningProfile<C>, claims: unknown): Promise<SignedToken<C>> {
  const parsed = profile.schema.safeParse(claims);
  if (!parsed.success) {
    const members = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new TokenError('TOKENS.INPUT_INVALID', `the claims do not fit the ${profile.typ} profile: ${members}`);
  }
  // A span of its own: signing is the issuer's main CPU cost, worth seeing apart in a trace (by kid, never the token).
  const token = await inSpan(`sign ${profile.typ}`, { 'latchkey.kid': key.kid }, async () =>
    new SignJWT(parsed.data).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: profile.typ }).sign(await privateKeyOf(key)),
  );
  return { token, claims: parsed.data, kid: key.kid };
}
