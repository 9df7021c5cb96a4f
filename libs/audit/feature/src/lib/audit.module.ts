import { RbacGuardModule } from '@latchkey/access-guards';
import { Module } from '@nestjs/common';
import {
  AUDIT_MIGRATIONS,
  AUDIT_SCHEMA,
  AuditCheckpointRepository,
  AuditEventRepository,
  AuditRetentionRepository,
  DeadLetterRepository,
} from '@latchkey/audit/data-access';
import { ConfigSliceModule } from '@latchkey/config';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { auditConfig } from './audit.config';
import { AuditDeadLetterIngest } from './audit-dead-letter.ingest';
import { AuditIngestConsumer } from './audit-ingest.consumer';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';
import { AuditKeysController } from './checkpoints/audit-keys.controller';
import { AuditSigningKey } from './checkpoints/audit-signing-key';
import { IsvFeedModule } from './feed/isv-feed.module';
import { AuditQueryModule } from './query/audit-query.module';
import { AuditRetention } from './retention/audit-retention';

/**
 * The tamper-evident event store: ingestion into the hash chain, the
 * dead-letter topics counted apart, signed checkpoints (stored and
 * published on `audit.checkpoint`) and the public key that verifies them;
 * retention that prunes only up to a signed checkpoint (retention/); the
 * operator query API (query/) and the ISV transparency feed (feed/) read it.
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(auditConfig),
    PersistenceModule.forService({ schema: AUDIT_SCHEMA, migrationsFolder: AUDIT_MIGRATIONS }),
    MessagingModule.forService({ service: 'audit', outbox: { schema: AUDIT_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided by the rbac service.
    RbacGuardModule.forService({ service: 'audit', gatesReadiness: false }),
    IsvFeedModule,
    AuditQueryModule,
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
    AuditRetentionRepository,
    AuditRetention,
  ],
})
export class AuditModule {}
