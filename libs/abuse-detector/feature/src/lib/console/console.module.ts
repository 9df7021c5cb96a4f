import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { AdminGuard } from '@latchkey/access-guards';
import { AlertRepository, RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { RevocationWriter } from '../actions/revocation-writer';
import { AbuseAdminModule } from '../admin/abuse-admin.module';
import { AlertAdministration } from '../admin/alert-administration.use-case';
import { IsvActivityModule } from '../activity/isv-activity.module';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { AlertFeed } from './alert-feed';
import { loadChartJs, resolveChartJs } from './chart-asset';
import { CHART_JS, ConsoleController } from './console.controller';
import { ConsoleAlertsController } from './console-alerts.controller';
import { IsvActivityController } from './isv-activity.controller';
import { RevocationsAdminController } from './revocations-admin.controller';
import { RevokeSubjectUseCase } from './revoke-subject.use-case';

/**
 * The security-operations console (`/console`) and the admin API it needs
 * beyond AbuseAdminModule's: the live alert stream, one alert's detail,
 * manual revocations and per-ISV activity, behind the same operator key.
 */
@Module({
  // AbuseAdminModule: the operator key (its OperatorKeyModule, exported) and the admin API's error mapping.
  imports: [AbuseAdminModule, IsvActivityModule],
  controllers: [ConsoleController, ConsoleAlertsController, RevocationsAdminController, IsvActivityController],
  providers: [
    AlertRepository,
    RevocationLedgerRepository,
    RevocationWriter,
    AlertAdministration,
    AlertFeed,
    // The admin API's own guard, for the alert stream's re-checks (the same decisions as at connection).
    AdminGuard,
    RevokeSubjectUseCase,
    { provide: ABUSE_CLOCK, useValue: ((): Date => new Date()) satisfies Clock },
    { provide: CHART_JS, useFactory: (): Buffer | undefined => loadChartJs(resolveChartJs()) },
  ],
})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger(ConsoleModule.name);

  constructor(@Inject(CHART_JS) private readonly chartJs: Buffer | undefined) {}

  onModuleInit(): void {
    if (this.chartJs === undefined) this.logger.warn('chart.js not found in node_modules: the console shows activity as numbers, without charts');
  }
}
