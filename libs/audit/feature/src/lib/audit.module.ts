import { Module } from '@nestjs/common';
import { AUDIT_MIGRATIONS, AUDIT_SCHEMA, AuditCheckpointRepository, AuditEventRepository, DeadLetterRepository } from '@latchkey/audit/data-access';
import { ConfigSliceModule } from '@latchkey/config';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { auditConfig } from './audit.config';
import { AuditDeadLetterIngest } from './audit-dead-letter.ingest';
import { AuditIngestConsumer } from './audit-ingest.consumer';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';
import { AuditKeysController } from './checkpoints/audit-keys.controller';
import { AuditSigningKey } from './checkpoints/audit-signing-key';

/**
 * The tamper-evident event store: ingestion into the hash chain, the
 * dead-letter topics counted apart, signed checkpoints (stored and
 * published on `audit.checkpoint`) and the public key that verifies them. Queries, exports and the ISV feed arrive with the
 * rest of the audit issue.
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(auditConfig),
    PersistenceModule.forService({ schema: AUDIT_SCHEMA, migrationsFolder: AUDIT_MIGRATIONS }),
    MessagingModule.forService({ service: 'audit', outbox: { schema: AUDIT_SCHEMA, database: Database } }),
  ],
  controllers: [AuditKeysController],
  providers: [
    AuditEventRepository,
    AuditCheckpointRepository,
    DeadLetterRepository,
    AuditSigningKey,
    AuditCheckpointer,
    AuditIngestConsumer,
    AuditDeadLetterIngest,
  ],
})
export class AuditModule {}
