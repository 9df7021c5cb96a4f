import { RbacGuardModule } from '@latchkey/access-guards';
import { Module } from '@nestjs/common';
import {
  ABUSE_DETECTOR_MIGRATIONS,
  ABUSE_DETECTOR_SCHEMA,
  AlertRepository,
  IssuedTokenRepository,
  RevocationLedgerRepository,
  UsageCounterRepository,
} from '@latchkey/abuse-detector/data-access';
import { ConfigSliceModule, configToken, type ConfigOf } from '@latchkey/config';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { abuseDetectorConfig } from './abuse-detector.config';
import { abuseActionsConfig } from './actions/abuse-actions.config';
import { ActionPolicy } from './actions/action-policy';
import { RevocationWriter } from './actions/revocation-writer';
import { IsvActivityModule } from './activity/isv-activity.module';
import { AbuseAdminModule } from './admin/abuse-admin.module';
import { ConsoleModule } from './console/console.module';
import { CasesModule } from './cases/cases.module';
import { AlertActions } from './detection/alert-actions';
import { AlertRecorder } from './detection/alert-recorder';
import { DetectionConsumer } from './detection/detection.consumer';
import { ABUSE_CLOCK, DETECTION_RULES, type Clock, type DetectionRules } from './detection/detection-rules';
import { IssuedTokenPruner } from './detection/issued-token-pruner';
import { LeakIntakeModule } from './leaks/leak-intake.module';
import { abuseRulesConfig, rulesConfigFrom, type AbuseRulesConfig } from './rules/abuse-rules.config';
import { defaultRules, RuleEngine } from './rules/rule-engine';
import { UsageSignalsConsumer } from './usage-signals.consumer';

/**
 * Watches the stream for misuse: the rules run over the live stream
 * (detection/), each finding becomes a deduplicated alert on `abuse.alert`
 * and, by the action policy (actions/), revocations on `access.revocation`,
 * all through the outbox; operators list and acknowledge alerts and
 * reinstate (admin/); secret scanning reports revoke leaked tokens by
 * `jti` (leaks/). Usage counters per client and minute feed the
 * baselines.
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(abuseDetectorConfig),
    ConfigSliceModule.forSlice(abuseActionsConfig),
    ConfigSliceModule.forSlice(abuseRulesConfig),
    PersistenceModule.forService({ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }),
    MessagingModule.forService({ service: 'abuse-detector', outbox: { schema: ABUSE_DETECTOR_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided by the rbac service.
    RbacGuardModule.forService({ service: 'abuse-detector', gatesReadiness: false }),
    AbuseAdminModule,
    CasesModule,
    LeakIntakeModule,
    IsvActivityModule,
    ConsoleModule,
  ],
  providers: [
    UsageCounterRepository,
    UsageSignalsConsumer,
    AlertRepository,
    IssuedTokenRepository,
    RevocationLedgerRepository,
    { provide: ABUSE_CLOCK, useValue: ((): Date => new Date()) satisfies Clock },
    {
      provide: ActionPolicy,
      inject: [configToken(abuseActionsConfig)],
      useFactory: (settings: ConfigOf<typeof abuseActionsConfig>) => new ActionPolicy(settings),
    },
    {
      provide: DETECTION_RULES,
      inject: [configToken(abuseRulesConfig)],
      useFactory: (config: AbuseRulesConfig): DetectionRules => new RuleEngine(defaultRules(rulesConfigFrom(config))),
    },
    RevocationWriter,
    AlertActions,
    AlertRecorder,
    DetectionConsumer,
    IssuedTokenPruner,
  ],
})
export class AbuseDetectorModule {}
