import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditQueryRepository, IssuedJtiRepository } from '@latchkey/audit/data-access';
import { configToken, ConfigSliceModule, type ConfigOf } from '@latchkey/config';
import { ErrorMappingRegistry } from '@latchkey/http';
import { createRemoteJwks } from '@latchkey/tokens';
import { auditConfig } from '../audit.config';
import { AUDIT_FEED_WIRE_ERRORS } from './audit-feed-wire-errors';
import { AuditFeedTokenVerifier } from './audit-feed-token.verifier';
import { IsvFeedController } from './isv-feed.controller';
import { AUDIT_FEED_VERIFIER, IsvFeedGuard } from './isv-feed.guard';
import { ReadIsvFeedUseCase } from './read-isv-feed.use-case';

/**
 * The ISV transparency feed: audit feed tokens verified offline against the
 * issuer's JWKS (fetched lazily and cached, refetched for an unknown `kid`
 * at most every 30 s), and the feed read through the query repository.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(auditConfig)],
  controllers: [IsvFeedController],
  providers: [
    {
      provide: AUDIT_FEED_VERIFIER,
      inject: [configToken(auditConfig)],
      useFactory: (c: ConfigOf<typeof auditConfig>) =>
        new AuditFeedTokenVerifier({
          keys: createRemoteJwks(c.LATCHKEY_AUDIT_FEED_JWKS_URL ?? `${c.LATCHKEY_AUDIT_FEED_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`),
          issuer: c.LATCHKEY_AUDIT_FEED_ISSUER,
        }),
    },
    IsvFeedGuard,
    AuditQueryRepository,
    IssuedJtiRepository,
    ReadIsvFeedUseCase,
  ],
})
export class IsvFeedModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(AUDIT_FEED_WIRE_ERRORS);
  }
}
