import { Module } from '@nestjs/common';
import { configToken, ConfigSliceModule, type ConfigOf } from '@latchkey/config';
import { createRemoteJwks, type VerificationKeys } from '@latchkey/tokens';
import { abuseIssuerConfig } from './abuse-issuer.config';

/** The issuer the abuse detector verifies tokens of: its `iss` and its published keys. */
export interface AbuseIssuerKeys {
  readonly issuer: string;
  readonly keys: VerificationKeys;
}

/** The DI token of the {@link AbuseIssuerKeys}. */
export const ABUSE_ISSUER_KEYS = Symbol('ABUSE_ISSUER_KEYS');

/**
 * The issuer's JWKS, fetched lazily, cached, refetched for an unknown `kid`
 * at most every 30 s: one instance for every verifier of the abuse detector
 * (leaked tokens, cases tokens), so they share one cache and one fetch.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(abuseIssuerConfig)],
  providers: [
    {
      provide: ABUSE_ISSUER_KEYS,
      inject: [configToken(abuseIssuerConfig)],
      useFactory: (c: ConfigOf<typeof abuseIssuerConfig>): AbuseIssuerKeys => ({
        issuer: c.LATCHKEY_ABUSE_ISSUER,
        keys: createRemoteJwks(c.LATCHKEY_ABUSE_ISSUER_JWKS_URL ?? `${c.LATCHKEY_ABUSE_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`),
      }),
    },
  ],
  exports: [ABUSE_ISSUER_KEYS],
})
export class AbuseIssuerKeysModule {}
