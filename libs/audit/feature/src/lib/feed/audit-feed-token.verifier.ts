import { IsvTokenVerifier, type IsvTokenBearer, type IsvTokenPolicy, type IsvTokenVerifierOptions } from '@latchkey/access-guards';
import type { AuditFeedErrorCode } from '@latchkey/contracts';
import { AUDIT_FEED_TOKEN_KIND } from '@latchkey/tokens';
import { AuditFeedError } from './audit-feed.errors';

/** What the verifier needs: the issuer's keys and `iss`, and a clock for tests. */
export type AuditFeedTokenVerifierOptions = IsvTokenVerifierOptions;

/** A feed token that verified: the ISV it speaks for, and its id for logs. */
export type FeedReader = IsvTokenBearer;

/** How the feed takes audit feed tokens: its codes, its error class, and the words of its refusals. */
export const AUDIT_FEED_TOKEN_POLICY: IsvTokenPolicy<AuditFeedErrorCode> = {
  kind: AUDIT_FEED_TOKEN_KIND,
  codes: {
    missing: 'AUDIT.FEED_TOKEN_MISSING',
    invalid: 'AUDIT.FEED_TOKEN_INVALID',
    expired: 'AUDIT.FEED_TOKEN_EXPIRED',
    wrongType: 'AUDIT.FEED_TOKEN_WRONG_TYPE',
    foreignIsv: 'AUDIT.FEED_FOREIGN_ISV',
    keysUnavailable: 'AUDIT.FEED_KEYS_UNAVAILABLE',
  },
  error: AuditFeedError,
  name: 'audit feed token',
  obtain: 'POST /isv/v1/audit-feed-token at the issuer',
  realm: 'latchkey-audit-feed',
  foreignIsvMessage: 'This audit feed token reads its own ISV’s feed only.',
};

/**
 * Checks the `Authorization` header of a feed request: exactly one
 * `Bearer` credential, an audit feed token of the configured issuer
 * (signature against its JWKS, `typ: lk-audit-feed+jwt`, audience, times).
 * Which ISV may be read is the guard's decision. Refusals are
 * {@link AuditFeedError}s: `AUDIT.FEED_TOKEN_*` (401) or
 * `AUDIT.FEED_KEYS_UNAVAILABLE` (503).
 */
export class AuditFeedTokenVerifier extends IsvTokenVerifier<AuditFeedErrorCode> {
  constructor(options: AuditFeedTokenVerifierOptions) {
    super(AUDIT_FEED_TOKEN_POLICY, options);
  }
}
