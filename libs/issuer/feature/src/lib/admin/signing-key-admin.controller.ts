import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { KID_PARAM, NoBody, RetireSigningKeyBody, parseAdminInput } from './admin-request.schema';
import { SigningKeyAdministration, type SigningKeyInfo, type SigningKeyRetirement } from './signing-key-administration.use-case';

const KEY_RESPONSE = '{ kid, alg, status: next | active | retiring, createdAt, activatesAt, notAfter }';

/**
 * The issuer's signing keys: list the published ones, rotate on demand, and
 * retire one in an emergency. Rotation answers 202: the next key takes over
 * at `activatesAt` (now, if it has been published long enough). Retirement
 * answers 202: the revocation record is committed, and every instance and
 * verifier applies it as it arrives.
 */
@AdminApi()
@Controller('admin/v1/signing-keys')
export class SigningKeyAdminController {
  constructor(private readonly keys: SigningKeyAdministration) {}

  @Get()
  @AdminPermission('issuer.signing-keys:read')
  @ApiOperation({ summary: 'List the published signing keys (the JWKS, with status and dates)' })
  @ApiResponse({ status: 200, description: `{ keys: [${KEY_RESPONSE}] }` })
  async list(): Promise<{ keys: SigningKeyInfo[] }> {
    return { keys: await this.keys.list() };
  }

  @Post('rotate')
  @AdminPermission('issuer.signing-keys:write')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Rotate: the next key (published LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS ahead, made now if there is none) signs from activatesAt, at once if it has been published that long; the previous key keeps verifying its tokens until they expire',
  })
  @ApiResponse({ status: 202, description: `${KEY_RESPONSE}: status active when it signs already, next with activatesAt otherwise` })
  @ApiResponse({ status: 409, description: 'Conflict (KeyRingBusy): another instance is changing the keys' })
  rotate(@Body() body: unknown, @Operator() actor: string): Promise<SigningKeyInfo> {
    parseAdminInput(NoBody, body, 'body');
    return this.keys.rotate(actor);
  }

  @Post(':kid/retire')
  @AdminPermission('issuer.signing-keys:write')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Emergency retirement: the key leaves the JWKS and its tokens are refused everywhere (access.revocation); a new key signs if it was active',
  })
  @ApiParam({ name: 'kid', description: 'The key id (RFC 7638 thumbprint). Anything else: 400 BadArgument (InvalidAdminRequest).' })
  @ApiBody(zodBody(RetireSigningKeyBody))
  @ApiResponse({ status: 202, description: '{ kid, notBefore }' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument (InvalidAdminRequest): a malformed key id, or the reason is not a code like ADMIN.KEY_COMPROMISED',
  })
  @ApiResponse({ status: 404, description: 'NotFound (SigningKeyNotFound)' })
  retire(@Param('kid', KID_PARAM) kid: string, @Body() body: unknown, @Operator() actor: string): Promise<SigningKeyRetirement> {
    return this.keys.retire(kid, parseAdminInput(RetireSigningKeyBody, body, 'body').reason, actor);
  }
}
