import type { Counter } from '@opentelemetry/api';
import { catalogueCounter } from '@latchkey/telemetry';
import type { RemoteJwksStatus } from '@latchkey/tokens';

/** Whose key set: the issuer's (limited access tokens) or the exchange's (internal access tokens, RbacGuard). */
export type JwksSource = 'issuer' | 'exchange';

/** What the counter reads of a RemoteJwks: its status, which never makes a request. */
export interface ObservableKeySet {
  status(): RemoteJwksStatus;
}

/**
 * Counts the fetches of one remote key set in `latchkey.jwks.refreshes`
 * {source, outcome: ok | failed}. The fetches happen inside RemoteJwks
 * (libs/tokens, on jose), which reports none; what it does keep is when the
 * last fetch succeeded and when one last failed. So this reads that status
 * after everything that may have fetched (the warm-up, a verification that
 * used the set) and counts each new timestamp once: a fetch shared by
 * concurrent verifications counts once, a verification served from the
 * cache (or refused during the back-off after a failure) counts nothing.
 * Create one per key set (it remembers what it already counted).
 */
export class JwksRefreshCounter {
  private readonly refreshes: Counter = catalogueCounter('jwksRefreshes');
  private countedFetchAt: number | undefined;
  private countedFailureAt: number | undefined;

  constructor(
    private readonly keys: ObservableKeySet,
    private readonly source: JwksSource,
  ) {}

  /** Counts the fetches that completed since the last call. Never throws, never makes a request. */
  observe(): void {
    const { lastFetchedAt, lastFailedAt } = this.keys.status();
    const fetchedAt = lastFetchedAt?.getTime();
    if (fetchedAt !== undefined && fetchedAt !== this.countedFetchAt) {
      this.countedFetchAt = fetchedAt;
      this.refreshes.add(1, { source: this.source, outcome: 'ok' });
    }
    const failedAt = lastFailedAt?.getTime();
    if (failedAt !== undefined && failedAt !== this.countedFailureAt) {
      this.countedFailureAt = failedAt;
      this.refreshes.add(1, { source: this.source, outcome: 'failed' });
    }
  }
}
