import { Module } from '@nestjs/common';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { RBAC_MIGRATIONS, RBAC_SCHEMA, SubjectRepository } from '@latchkey/rbac/data-access';
import { IdentityCreatedConsumer } from './identity-created.consumer';
import { SeedDemoOperatorUseCase } from './seed-demo-operator.use-case';

/** Roles, permissions and assignments; the decision API arrives with the RBAC issue. */
@Module({
  imports: [
    PersistenceModule.forService({ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }),
    MessagingModule.forService({ service: 'rbac', outbox: { schema: RBAC_SCHEMA, database: Database } }),
  ],
  providers: [SubjectRepository, IdentityCreatedConsumer, SeedDemoOperatorUseCase],
  exports: [SeedDemoOperatorUseCase],
})
export class RbacModule {}
