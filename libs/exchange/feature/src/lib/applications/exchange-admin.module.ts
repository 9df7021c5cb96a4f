import { Module, type OnModuleInit } from '@nestjs/common';
import { OperatorKeyModule, type OperatorKeyCodes } from '@latchkey/access-guards';
import type { ExchangeAdminErrorCode } from '@latchkey/contracts';
import { OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { ErrorMappingRegistry } from '@latchkey/http';
import { AudienceScopesModule } from '../exchange/audience-scopes.module';
import { exchangeAdminConfig } from './exchange-admin.config';
import { EXCHANGE_ADMIN_WIRE_ERRORS } from './exchange-admin-wire-errors';
import { OAuthApplicationAdministration } from './oauth-application-administration.use-case';
import { OAuthApplicationsAdminController } from './oauth-applications-admin.controller';

/**
 * The exchange's operator API (/admin/v1/oauth-applications), behind its
 * own break-glass operator key, beside operators’ tokens (LATCHKEY_EXCHANGE_OPERATOR_KEY; generated under
 * the data folder when embedded, off when unset on PostgreSQL).
 */
@Module({
  imports: [
    OperatorKeyModule.forService({
      service: 'exchange',
      slice: exchangeAdminConfig,
      variable: 'LATCHKEY_EXCHANGE_OPERATOR_KEY',
      codes: {
        unauthenticated: 'EXCHANGE.ADMIN_UNAUTHENTICATED',
        invalid: 'EXCHANGE.ADMIN_CREDENTIAL_INVALID',
        disabled: 'EXCHANGE.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<ExchangeAdminErrorCode>,
    }),
    // The scopes each audience declares: an application allowing any other scope is refused.
    AudienceScopesModule,
  ],
  controllers: [OAuthApplicationsAdminController],
  providers: [OAuthApplicationRepository, OAuthApplicationAdministration],
})
export class ExchangeAdminModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(EXCHANGE_ADMIN_WIRE_ERRORS);
  }
}
