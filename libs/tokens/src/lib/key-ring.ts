import type { KeyRingEntry } from './key-ring-entry';
import type { PublicSigningJwk, SigningKey } from './signing-key';
import { TokenError } from './token-error';

/** A JSON Web Key Set as published at `/.well-known/jwks.json` (RFC 7517 §5). */
export type PublicJwks = { readonly keys: readonly PublicSigningJwk[] };

/**
 * The issuer's signing keys: exactly one active key signs, at most one next
 * key is published ahead of taking over, retiring keys stay published until
 * their tokens have expired, retired keys are gone from the JWKS. Immutable: a rotation yields a new ring, so a request in
 * flight keeps a consistent view (its key and the JWKS that covers it).
 */
export class KeyRing {
  private readonly ring: readonly KeyRingEntry[];
  private readonly active: SigningKey;
  private readonly jwks: PublicJwks;

  /** @throws TokenError `TOKENS.KEY_RING_INVALID` unless exactly one key is active, at most one is next, and kids are unique. */
  constructor(entries: readonly KeyRingEntry[]) {
    const actives = entries.filter((e) => e.status === 'active');
    const [active] = actives;
    if (actives.length !== 1 || active === undefined) {
      throw new TokenError('TOKENS.KEY_RING_INVALID', `a key ring needs exactly one active key, not ${actives.length}`);
    }
    if (entries.filter((e) => e.status === 'next').length > 1) {
      throw new TokenError('TOKENS.KEY_RING_INVALID', 'a key ring holds at most one next key');
    }
    const kids = new Set(entries.map((e) => e.key.kid));
    if (kids.size !== entries.length) {
      throw new TokenError('TOKENS.KEY_RING_INVALID', 'a key ring holds each kid once');
    }
    this.ring = Object.freeze([...entries]);
    this.active = active.key;
    // Built once: the same object on every call lets verifiers cache their
    // imported keys by JWKS identity (see verifyLimitedAccessToken).
    this.jwks = Object.freeze({
      keys: Object.freeze(
        [active, ...entries.filter((e) => e.status === 'next'), ...entries.filter((e) => e.status === 'retiring')].map((e) => publicMembers(e.key)),
      ),
    });
  }

  /** The key that signs new tokens. */
  signingKey(): SigningKey {
    return this.active;
  }

  /** The JWKS to publish: the active key first, then the next key, then retiring keys. Never a private member, never a retired key. */
  publicJwks(): PublicJwks {
    return this.jwks;
  }

  /** The key published ahead of taking over, and when it may. */
  nextKey(): { readonly key: SigningKey; readonly activateAt: Date } | undefined {
    const next = this.ring.find((e) => e.status === 'next');
    return next?.status === 'next' ? { key: next.key, activateAt: next.activateAt } : undefined;
  }

  /** The entries, for persisting the ring and for {@link planRotation}. */
  entries(): readonly KeyRingEntry[] {
    return this.ring;
  }

  /**
   * The ring after `next` becomes the active key at `now` (the ring's next
   * key, or a new one): the previous active key turns `retiring` with
   * `notAfter: now`, so it stays published until its last token expires.
   *
   * @throws TokenError `TOKENS.KEY_RING_INVALID` when `next` is already in the ring other than as its next key.
   */
  rotated(next: SigningKey, now: Date): KeyRing {
    const promoted = this.nextKey()?.key.kid === next.kid;
    return new KeyRing([
      { key: next, status: 'active' },
      ...this.ring
        .filter((e) => !(promoted && e.status === 'next'))
        .map((e): KeyRingEntry => (e.status === 'active' ? { key: e.key, status: 'retiring', notAfter: now } : e)),
    ]);
  }
}

/**
 * Copies the public members by name (an allow-list): a private member
 * added to a stored JWK by mistake can never reach the JWKS.
 */
function publicMembers(key: SigningKey): PublicSigningJwk {
  const { kty, crv, x, y } = key.publicJwk;
  const coordinates = kty === 'EC' ? { kty, crv, x, y } : { kty, crv, x };
  return Object.freeze({ ...coordinates, kid: key.kid, alg: key.alg, use: 'sig' });
}
