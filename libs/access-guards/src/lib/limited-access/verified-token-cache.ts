import { LRUCache } from 'lru-cache';
import type { LimitedAccessTokenClaims } from '@latchkey/contracts';

/** A token that passed full verification for one resource. */
export interface VerifiedEntry {
  readonly claims: LimitedAccessTokenClaims;
  readonly kid: string;
}

/** How a {@link VerifiedTokenCache} is sized and how long it trusts an entry. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered (least recently used forgotten first). */
  readonly maxEntries: number;
  /** An entry is verified again from scratch after this long, whatever its `exp` (bounds how long a key dropped from the JWKS keeps working). */
  readonly reverifyAfterMs: number;
  readonly clockToleranceSeconds: number;
}

interface Stored extends VerifiedEntry {
  /** The resource it was verified for, lower-cased (resource ids compare case-insensitively). */
  readonly resource: string;
  readonly verifiedAtMs: number;
}

/**
 * Remembers tokens that passed the signature, header and claim checks, so a
 * client that reuses its token (as clients do, for up to its lifetime) pays
 * for the signature check once a minute rather than on every request.
 *
 * Keyed by the exact token text, with the resource it was verified for (the
 * one its `aud` names): a hit means "these bytes were verified for this
 * resource", so a token shown with another resource's key misses and fails
 * the full check (wrong resource). The token text is the key as it came in
 * (no concatenation), so a lookup hashes no new string. ECDSA signatures are malleable, so one token can have
 * several spellings; each is verified on its own and lands in its own
 * entry, which is harmless because revocation and replay are keyed by
 * `jti` and checked on every request, hit or miss. Time-dependent checks
 * are repeated on a hit: an expired or too-old token misses and gets the
 * full check's precise error. Only verified tokens enter, so a flood of
 * forged tokens cannot evict good ones.
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Stored>;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.entries = new LRUCache({ max: options.maxEntries });
  }

  /** The verified claims of `token` for `resourceId`, if it was verified recently and is still within its validity at `now`. */
  get(resourceId: string, token: string, now: Date): VerifiedEntry | undefined {
    const hit = this.entries.get(token);
    if (hit === undefined) return undefined;
    if (hit.resource !== resourceId && hit.resource !== resourceId.toLowerCase()) return undefined;
    const nowMs = now.getTime();
    if (nowMs - hit.verifiedAtMs > this.options.reverifyAfterMs || nowMs < hit.verifiedAtMs || !withinValidity(hit.claims, nowMs, this.options.clockToleranceSeconds)) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  set(resourceId: string, token: string, entry: VerifiedEntry, now: Date): void {
    this.entries.set(token, { claims: entry.claims, kid: entry.kid, resource: resourceId.toLowerCase(), verifiedAtMs: now.getTime() });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The same time rules jose applied at verification (`exp`, `nbf`), with the same tolerance. */
function withinValidity(claims: LimitedAccessTokenClaims, nowMs: number, toleranceSeconds: number): boolean {
  const now = nowMs / 1000;
  return now < claims.exp + toleranceSeconds && now >= claims.nbf - toleranceSeconds;
}
