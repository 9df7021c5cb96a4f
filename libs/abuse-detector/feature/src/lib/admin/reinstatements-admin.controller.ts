import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { parseAdminInput, ReinstatementBody } from './admin-request.schema';
import { ReinstateSubjectUseCase, type Reinstatement } from './reinstate-subject.use-case';

/**
 * Lifts a revocation of an ISV or an ISV's client, with a reason code: an
 * `access.revocation` record with action `reinstate`, committed to the
 * outbox before the answer. Tokens issued before the revocation stay refused.
 */
@AdminApi()
@Controller('admin/v1/reinstatements')
export class ReinstatementsAdminController {
  constructor(private readonly reinstatements: ReinstateSubjectUseCase) {}

  @Post()
  @AdminPermission('access:reinstate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Reinstate a revoked ISV or ISV client; issuance may resume, earlier tokens stay refused' })
  @ApiBody(zodBody(ReinstatementBody))
  @ApiResponse({ status: 200, description: '{ subject, action: reinstate, notBefore, reason }' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument (InvalidAdminRequest): a bad subject, or a reason that is not a code like ADMIN.FALSE_POSITIVE',
  })
  @ApiResponse({ status: 409, description: 'Conflict (SubjectNotRevoked)' })
  reinstate(@Body() body: unknown, @Operator() operator: string): Promise<Reinstatement> {
    const { subject, reason } = parseAdminInput(ReinstatementBody, body, 'body');
    return this.reinstatements.reinstate(subject, reason, operator);
  }
}
