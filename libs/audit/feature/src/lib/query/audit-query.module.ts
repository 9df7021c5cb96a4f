import { Module, type OnModuleInit } from '@nestjs/common';
import { OperatorKeyModule, type OperatorKeyCodes } from '@latchkey/access-guards';
import { AuditQueryRepository } from '@latchkey/audit/data-access';
import type { AuditAdminErrorCode } from '@latchkey/contracts';
import { ErrorMappingRegistry } from '@latchkey/http';
import { auditConfig } from '../audit.config';
import { AUDIT_ADMIN_WIRE_ERRORS } from './audit-admin-wire-errors';
import { AuditQueryController } from './audit-query.controller';

/**
 * The operator query API of the audit store (/admin/v1/audit), behind the
 * audit service's own break-glass operator key, beside operators’ tokens (LATCHKEY_AUDIT_OPERATOR_KEY;
 * generated under the data folder when embedded, off when unset on PostgreSQL).
 */
@Module({
  imports: [
    OperatorKeyModule.forService({
      service: 'audit',
      slice: auditConfig,
      variable: 'LATCHKEY_AUDIT_OPERATOR_KEY',
      codes: {
        unauthenticated: 'AUDIT.ADMIN_UNAUTHENTICATED',
        invalid: 'AUDIT.ADMIN_CREDENTIAL_INVALID',
        disabled: 'AUDIT.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<AuditAdminErrorCode>,
    }),
  ],
  controllers: [AuditQueryController],
  providers: [AuditQueryRepository],
})
export class AuditQueryModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(AUDIT_ADMIN_WIRE_ERRORS);
  }
}
