import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { parseAdminInput } from '../admin/admin-request.schema';
import { RevocationBody } from './console-request.schema';
import { RevokeSubjectUseCase, type ManualRevocation } from './revoke-subject.use-case';

/**
 * An operator revokes an ISV or one of its clients: an `access.revocation`
 * record with action `revoke`, the operator as actor, committed to the
 * outbox before the answer. Verifiers refuse the subject's tokens issued
 * before now; the issuer stops issuing for it until a reinstatement.
 */
@AdminApi()
@Controller('admin/v1/revocations')
export class RevocationsAdminController {
  constructor(private readonly revocations: RevokeSubjectUseCase) {}

  @Post()
  @AdminPermission('access:revoke')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Revoke an ISV or an ISV client, with a reason code and optionally the alert that prompted it' })
  @ApiBody(zodBody(RevocationBody))
  @ApiResponse({ status: 200, description: '{ subject, action: revoke, notBefore, reason, alertId, actor }' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument (InvalidAdminRequest): a bad subject, or a reason that is not a code like ADMIN.ABUSE_CONFIRMED',
  })
  @ApiResponse({ status: 404, description: 'NotFound (AlertNotFound): the alert named does not exist' })
  @ApiResponse({ status: 409, description: 'Conflict (AlreadyRevokedForAlert): this alert already revoked this subject' })
  revoke(@Body() body: unknown, @Operator() operator: string): Promise<ManualRevocation> {
    const { subject, reason, alertId } = parseAdminInput(RevocationBody, body, 'body');
    return this.revocations.revoke(subject, reason, alertId, operator);
  }
}
