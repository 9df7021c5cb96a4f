import { Module, type OnModuleInit } from '@nestjs/common';
import { OperatorKeyModule, RevocationModule, type OperatorKeyCodes } from '@latchkey/access-guards';
import { AlertRepository, RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import type { AbuseAdminErrorCode } from '@latchkey/contracts';
import { ErrorMappingRegistry } from '@latchkey/http';
import { abuseDetectorConfig } from '../abuse-detector.config';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { ABUSE_ADMIN_WIRE_ERRORS } from './abuse-admin-wire-errors';
import { AlertAdministration } from './alert-administration.use-case';
import { AlertsAdminController } from './alerts-admin.controller';
import { ReinstatementsAdminController } from './reinstatements-admin.controller';
import { ReinstateSubjectUseCase } from './reinstate-subject.use-case';

/**
 * The abuse detector's operator API (/admin/v1/alerts, /admin/v1/reinstatements),
 * behind its own break-glass operator key, beside operators’ tokens (LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY;
 * generated under the data folder when embedded, off when unset on
 * PostgreSQL). Reinstatements read the revocation topic for the watermark
 * they carry on.
 */
@Module({
  imports: [
    OperatorKeyModule.forService({
      service: 'abuse-detector',
      slice: abuseDetectorConfig,
      variable: 'LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY',
      codes: {
        unauthenticated: 'ABUSE.ADMIN_UNAUTHENTICATED',
        invalid: 'ABUSE.ADMIN_CREDENTIAL_INVALID',
        disabled: 'ABUSE.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<AbuseAdminErrorCode>,
    }),
    RevocationModule.forService('abuse-detector'),
  ],
  controllers: [AlertsAdminController, ReinstatementsAdminController],
  providers: [
    AlertRepository,
    RevocationLedgerRepository,
    AlertAdministration,
    ReinstateSubjectUseCase,
    { provide: ABUSE_CLOCK, useValue: ((): Date => new Date()) satisfies Clock },
  ],
  // The operator key, for the other modules with operator routes (cases).
  exports: [OperatorKeyModule],
})
export class AbuseAdminModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(ABUSE_ADMIN_WIRE_ERRORS);
  }
}
