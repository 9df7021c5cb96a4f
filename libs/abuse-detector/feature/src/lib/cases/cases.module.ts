import { Module, type OnModuleInit } from '@nestjs/common';
import { CaseRepository, RevocationLedgerRepository, WebhookRepository } from '@latchkey/abuse-detector/data-access';
import { ConfigSliceModule } from '@latchkey/config';
import { ErrorMappingRegistry } from '@latchkey/http';
import { abuseActionsConfig } from '../actions/abuse-actions.config';
import { RevocationWriter } from '../actions/revocation-writer';
import { AbuseAdminModule } from '../admin/abuse-admin.module';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { IsvCasesAuthModule } from '../isv-auth/isv-cases-auth.module';
import { abuseCasesConfig } from './abuse-cases.config';
import { CaseAnnouncer } from './case-announcer';
import { CaseEscalationScheduler } from './case-escalation.scheduler';
import { CaseWorkflow } from './case-workflow';
import { CasesAdminController } from './cases-admin.controller';
import { CASES_WIRE_ERRORS } from './cases-wire-errors';
import { IsvCasesController } from './isv-cases.controller';
import { IsvWebhooksAdminController } from './isv-webhooks-admin.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { systemHostResolver, WEBHOOK_HOST_RESOLVER, WebhookSender } from './webhook-sender';

/**
 * Cases (docs/ABUSE.md "Cases"): the workflow the alert recorder and the
 * leak intake open cases through (exported), the deadline sweep, the
 * webhook dispatcher, the operator's case and webhook API (behind the
 * admin module's operator key) and the ISV's case API.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(abuseCasesConfig), ConfigSliceModule.forSlice(abuseActionsConfig), AbuseAdminModule, IsvCasesAuthModule],
  controllers: [CasesAdminController, IsvWebhooksAdminController, IsvCasesController],
  providers: [
    CaseRepository,
    WebhookRepository,
    RevocationLedgerRepository,
    RevocationWriter,
    CaseAnnouncer,
    CaseWorkflow,
    CaseEscalationScheduler,
    WebhookDispatcher,
    WebhookSender,
    { provide: WEBHOOK_HOST_RESOLVER, useValue: systemHostResolver },
    { provide: ABUSE_CLOCK, useValue: ((): Date => new Date()) satisfies Clock },
  ],
  exports: [CaseWorkflow],
})
export class CasesModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(CASES_WIRE_ERRORS);
  }
}
