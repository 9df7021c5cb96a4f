import { Module, type OnModuleInit } from '@nestjs/common';
import { RevocationModule, RbacGuardModule } from '@latchkey/access-guards';
import { ConfigSliceModule } from '@latchkey/config';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, IdentityRepository, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { ErrorMappingRegistry } from '@latchkey/http';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { ApplicationRevocationConsumer } from './application-revocation.consumer';
import { ExchangeAdminModule } from './applications/exchange-admin.module';
import { entraConfig, entraTokenValidatorProvider } from './entra';
import { AudienceScopesModule } from './exchange/audience-scopes.module';
import { ExchangeMetrics } from './exchange/exchange-metrics';
import { EXCHANGE_CLOCK, EXCHANGED_TOKEN_CACHE, ExchangeTokenUseCase, type ExchangeClock } from './exchange/exchange-token.use-case';
import { EXCHANGE_WIRE_ERRORS } from './exchange/exchange-wire-errors';
import { ExchangedTokenCache } from './exchange/exchanged-token-cache';
import { GatewayController } from './gateway/gateway.controller';
import { MapIdentityUseCase } from './identities/map-identity.use-case';
import { TokenExchangeController } from './oauth/token-exchange.controller';
import { SeedDemoApplicationUseCase } from './seed-demo-application.use-case';
import { ExchangeTokensModule } from './tokens/exchange-tokens.module';

/** Minted tokens kept per instance, and how long before expiry a cached one is no longer handed out. */
const CACHE = { maxEntries: 100_000, refreshBeforeMs: 60_000 } as const;

/**
 * Entra ID token exchange (docs/EXCHANGE.md): the standard RFC 8693
 * endpoint (oauth/) and the gateway (gateway/) both run
 * ExchangeTokenUseCase (exchange/): the Entra token validated (entra/), the
 * OAuth application's policy (applications/, with its admin API), the
 * person mapped by (`tid`, `oid`) (identities/), an internal token signed
 * with the exchange's own key (tokens/, with its JWKS and metadata).
 * Revocations of applications disable them; revocations of people,
 * applications and tenants refuse their exchanges.
 */
@Module({
  imports: [
    PersistenceModule.forService({ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }),
    MessagingModule.forService({ service: 'exchange', outbox: { schema: EXCHANGE_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided by the rbac service.
    RbacGuardModule.forService({ service: 'exchange', gatesReadiness: false }),
    RevocationModule.forService('exchange'),
    ConfigSliceModule.forSlice(entraConfig),
    // The gateway's upstreams (its config slice) and the scopes of each audience, shared with the admin API.
    AudienceScopesModule,
    ExchangeAdminModule,
    ExchangeTokensModule,
  ],
  controllers: [TokenExchangeController, GatewayController],
  providers: [
    OAuthApplicationRepository,
    IdentityRepository,
    MapIdentityUseCase,
    ApplicationRevocationConsumer,
    SeedDemoApplicationUseCase,
    entraTokenValidatorProvider,
    { provide: EXCHANGED_TOKEN_CACHE, useFactory: () => new ExchangedTokenCache(CACHE) },
    { provide: EXCHANGE_CLOCK, useValue: ((): Date => new Date()) satisfies ExchangeClock },
    ExchangeTokenUseCase,
    ExchangeMetrics,
  ],
  exports: [SeedDemoApplicationUseCase],
})
export class ExchangeModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(EXCHANGE_WIRE_ERRORS);
  }
}
