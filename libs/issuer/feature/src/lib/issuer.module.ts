import { Module, type OnModuleInit } from '@nestjs/common';
import { OperatorKeyModule, RevocationModule, type OperatorKeyCodes, RbacGuardModule } from '@latchkey/access-guards';
import type { IssuerAdminErrorCode } from '@latchkey/contracts';
import { ConfigSliceModule } from '@latchkey/config';
import { ErrorMappingRegistry, LoadSheddingModule } from '@latchkey/http';
import {
  IssuanceRepository,
  IsvRepository,
  ISSUER_MIGRATIONS,
  ISSUER_SCHEMA,
  SigningKeyRepository,
  SubscriptionKeyRepository,
} from '@latchkey/issuer/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { ISSUER_ADMIN_WIRE_ERRORS } from './admin/issuer-admin-wire-errors';
import { IsvAdminController } from './admin/isv-admin.controller';
import { IsvAdministration } from './admin/isv-administration.use-case';
import { IssuingRightAdminController } from './admin/issuing-right-admin.controller';
import { SubscriptionKeyAdminController } from './admin/subscription-key-admin.controller';
import { SigningKeyAdminController } from './admin/signing-key-admin.controller';
import { SigningKeyAdministration } from './admin/signing-key-administration.use-case';
import { SubscriptionKeyAdministration } from './admin/subscription-key-administration.use-case';
import { issuerConfig } from './issuer.config';
import { IssueIsvTokenUseCase } from './isv-tokens/issue-isv-token.use-case';
import { IsvTokensController } from './isv-tokens/isv-tokens.controller';
import { IssueLimitedAccessTokenController } from './issue/issue-limited-access-token.controller';
import { IssuanceDpopBinding } from './issue/issuance-dpop-binding';
import { IssuanceJournal } from './issue/issuance-journal';
import { IssuanceRateLimiter } from './rate-limit/issuance-rate-limiter';
import { IssueLimitedAccessTokenUseCase } from './issue/issue-limited-access-token.use-case';
import { ISSUER_WIRE_ERRORS } from './issue/issuer-wire-errors';
import { SigningKeyRevocationFeed } from './keys/signing-key-revocation.feed';
import { CLOCK, SigningKeyService } from './keys/signing-key.service';
import { WellKnownController } from './keys/well-known.controller';
import { ClientBlockDirectory } from './isv/client-block-directory';
import { IsvAuthenticator } from './isv/isv-authenticator';
import { IsvClientsController } from './isv/isv-clients.controller';
import { SubscriptionKeyDigester } from './isv/subscription-key-digester';
import { ManageClientBlocksUseCase } from './isv/manage-client-blocks.use-case';
import { IssueResourceTokenController } from './resource-token/issue-resource-token.controller';
import { IssueResourceTokenUseCase } from './resource-token/issue-resource-token.use-case';
import { SeedDemoIsvUseCase } from './seed-demo-isv.use-case';

/**
 * The STS: ISVs, their grants and keys, signing keys, and the
 * issueLimitedAccessToken operation. Publishes through its outbox and keeps
 * the revocation watermarks current (it refuses to issue for a revoked ISV
 * or client).
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(issuerConfig),
    // Early global shedding (503 + Retry-After) in front of the per-ISV rate limit (429): docs/ISSUER.md.
    LoadSheddingModule,
    PersistenceModule.forService({ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }),
    MessagingModule.forService({ service: 'issuer', outbox: { schema: ISSUER_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided by the rbac service.
    RbacGuardModule.forService({ service: 'issuer', gatesReadiness: false }),
    RevocationModule.forService('issuer'),
    OperatorKeyModule.forService({
      service: 'issuer',
      slice: issuerConfig,
      variable: 'LATCHKEY_ISSUER_OPERATOR_KEY',
      codes: {
        unauthenticated: 'ISSUER.ADMIN_UNAUTHENTICATED',
        invalid: 'ISSUER.ADMIN_CREDENTIAL_INVALID',
        disabled: 'ISSUER.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<IssuerAdminErrorCode>,
    }),
  ],
  controllers: [
    IssueLimitedAccessTokenController,
    IssueResourceTokenController,
    IsvClientsController,
    IsvTokensController,
    WellKnownController,
    IsvAdminController,
    IssuingRightAdminController,
    SubscriptionKeyAdminController,
    SigningKeyAdminController,
  ],
  providers: [
    { provide: CLOCK, useValue: () => new Date() },
    IsvRepository,
    SubscriptionKeyRepository,
    IssuanceRepository,
    SigningKeyRepository,
    SigningKeyService,
    SigningKeyRevocationFeed,
    SubscriptionKeyDigester,
    IsvAuthenticator,
    ClientBlockDirectory,
    IsvAdministration,
    SubscriptionKeyAdministration,
    SigningKeyAdministration,
    IssuanceJournal,
    IssuanceRateLimiter,
    IssuanceDpopBinding,
    IssueLimitedAccessTokenUseCase,
    ManageClientBlocksUseCase,
    IssueResourceTokenUseCase,
    IssueIsvTokenUseCase,
    SeedDemoIsvUseCase,
  ],
  exports: [SeedDemoIsvUseCase, IsvAdministration, SubscriptionKeyAdministration],
})
export class IssuerModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(ISSUER_WIRE_ERRORS);
    this.errors.register(ISSUER_ADMIN_WIRE_ERRORS);
  }
}
