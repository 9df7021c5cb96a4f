import { createHash } from 'node:crypto';

/** An internal access token minted for a source token, and what a revocation is checked against. */
export interface CachedExchange {
  /** The internal access token. A credential: never log it. */
  readonly token: string;
  readonly jti: string;
  readonly scopes: readonly string[];
  readonly personId: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** The cache's bounds. */
export interface ExchangedTokenCacheOptions {
  /** Entries kept at most; the least recently used goes first. */
  readonly maxEntries: number;
  /** An entry is not served this long before it expires: the caller gets a fresh token with time to use it. */
  readonly refreshBeforeMs: number;
}

/** What a cache read needs to know: whether a revocation now refuses what the entry was minted from. */
export type RevocationCheck = (entry: CachedExchange) => boolean;

/**
 * Internal access tokens already minted, by source token, application,
 * scopes and audience, so repeated exchanges of one Entra token (a gateway
 * sees one per request) cost a hash and a map lookup. The key is a SHA-256
 * of the source token with the rest: the source token itself is never kept.
 * An entry is served until `refreshBeforeMs` before it expires, and never
 * when a revocation of its person, application or tenant came after it was
 * minted (checked on every read, so a revocation applies at once; the
 * entry is dropped then). Per instance and in memory: a replica that
 * misses mints its own token, which is as valid.
 */
export class ExchangedTokenCache {
  private readonly entries = new Map<string, CachedExchange>();

  constructor(private readonly options: ExchangedTokenCacheOptions) {}

  /** The cache key of an exchange request. Scopes in any order name the same entry. */
  static key(request: { sourceToken: string; clientId: string; scopes: readonly string[]; audience: string }): string {
    const scopes = [...new Set(request.scopes)].sort().join(' ');
    return createHash('sha256')
      .update(request.sourceToken)
      .update('\n')
      .update(request.clientId)
      .update('\n')
      .update(scopes)
      .update('\n')
      .update(request.audience)
      .digest('base64url');
  }

  /** The entry to serve at `now`, or undefined (absent, about to expire, or revoked since: then dropped). */
  get(key: string, now: Date, revoked: RevocationCheck): CachedExchange | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt.getTime() - this.options.refreshBeforeMs <= now.getTime() || revoked(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedExchange): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
