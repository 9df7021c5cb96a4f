import { Module } from '@nestjs/common';
import { AUDIT_MIGRATIONS, AUDIT_SCHEMA, AuditEventRepository } from '@latchkey/audit/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { PersistenceModule } from '@latchkey/persistence';
import { AuditIngestConsumer } from './audit-ingest.consumer';

/** The tamper-evident event store; queries, checkpoints and verification arrive with the audit issue. */
@Module({
  imports: [
    PersistenceModule.forService({ schema: AUDIT_SCHEMA, migrationsFolder: AUDIT_MIGRATIONS }),
    MessagingModule.forService({ service: 'audit' }),
  ],
  providers: [AuditEventRepository, AuditIngestConsumer],
})
export class AuditModule {}
