import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { IssuingRightBody, parseAdminInput, ISV_ID_API_PARAM, ISV_ID_PARAM } from './admin-request.schema';
import { IsvAdministration, type IssuingRightChange } from './isv-administration.use-case';

const CHANGE_RESPONSE = '{ isvId, action: revoke | reinstate, notBefore }';

/**
 * Revokes or reinstates an ISV's right to issue, with a reason code. The
 * change is a watermark on `access.revocation`, committed before the answer
 * and applied by every instance (and every verifier) as the event arrives:
 * a revocation also refuses the ISV's tokens issued before it, and a
 * reinstatement never revives them.
 */
@AdminApi()
@Controller('admin/v1/isvs/:isvId/issuing-right')
export class IssuingRightAdminController {
  constructor(private readonly isvs: IsvAdministration) {}

  @Post('revoke')
  @AdminPermission('access:revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the ISV’s right to issue; its earlier tokens are refused everywhere' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiBody(zodBody(IssuingRightBody))
  @ApiResponse({ status: 200, description: CHANGE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): the reason is not a code like ADMIN.CONTRACT_ENDED' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  revoke(@Param('isvId', ISV_ID_PARAM) isvId: string, @Body() body: unknown, @Operator() actor: string): Promise<IssuingRightChange> {
    return this.isvs.setIssuingRight(isvId, 'revoke', parseAdminInput(IssuingRightBody, body, 'body').reason, actor);
  }

  @Post('reinstate')
  @AdminPermission('access:reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let the ISV issue again; tokens from before the revocation stay refused' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiBody(zodBody(IssuingRightBody))
  @ApiResponse({ status: 200, description: CHANGE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): the reason is not a code like ADMIN.RESOLVED' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  reinstate(@Param('isvId', ISV_ID_PARAM) isvId: string, @Body() body: unknown, @Operator() actor: string): Promise<IssuingRightChange> {
    return this.isvs.setIssuingRight(isvId, 'reinstate', parseAdminInput(IssuingRightBody, body, 'body').reason, actor);
  }
}
