import { Module } from '@nestjs/common';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, UsageCounterRepository } from '@latchkey/abuse-detector/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { UsageSignalsConsumer } from './usage-signals.consumer';

/** Watches the stream for misuse; rules, alerts and automatic revocation arrive with the abuse-detector issue. */
@Module({
  imports: [
    PersistenceModule.forService({ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }),
    MessagingModule.forService({ service: 'abuse-detector', outbox: { schema: ABUSE_DETECTOR_SCHEMA, database: Database } }),
  ],
  providers: [UsageCounterRepository, UsageSignalsConsumer],
})
export class AbuseDetectorModule {}
