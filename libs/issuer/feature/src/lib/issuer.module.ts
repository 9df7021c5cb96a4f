import { Module } from '@nestjs/common';
import { RevocationModule } from '@latchkey/access-guards';
import { IsvRepository, ISSUER_MIGRATIONS, ISSUER_SCHEMA } from '@latchkey/issuer/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { SeedDemoIsvUseCase } from './seed-demo-isv.use-case';

/**
 * The STS: ISVs, their grants and keys. Issuance itself arrives with the
 * issuer issue; this module owns the schema, publishes through its outbox,
 * and keeps the revocation watermarks current (it must refuse to issue for a
 * revoked ISV or client).
 */
@Module({
  imports: [
    PersistenceModule.forService({ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }),
    MessagingModule.forService({ service: 'issuer', outbox: { schema: ISSUER_SCHEMA, database: Database } }),
    RevocationModule.forService('issuer'),
  ],
  providers: [IsvRepository, SeedDemoIsvUseCase],
  exports: [SeedDemoIsvUseCase],
})
export class IssuerModule {}
