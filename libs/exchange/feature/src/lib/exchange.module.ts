import { Module } from '@nestjs/common';
import { RevocationModule } from '@latchkey/access-guards';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { ApplicationRevocationConsumer } from './application-revocation.consumer';
import { SeedDemoApplicationUseCase } from './seed-demo-application.use-case';

/**
 * Entra ID token exchange. The exchange endpoints arrive with the exchange
 * issue; this module owns OAuth applications and identities and applies
 * revocations of applications.
 */
@Module({
  imports: [
    PersistenceModule.forService({ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }),
    MessagingModule.forService({ service: 'exchange', outbox: { schema: EXCHANGE_SCHEMA, database: Database } }),
    RevocationModule.forService('exchange'),
  ],
  providers: [OAuthApplicationRepository, ApplicationRevocationConsumer, SeedDemoApplicationUseCase],
  exports: [SeedDemoApplicationUseCase],
})
export class ExchangeModule {}
