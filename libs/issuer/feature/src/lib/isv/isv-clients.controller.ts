import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@latchkey/http';
import { ManageClientBlocksUseCase } from './manage-client-blocks.use-case';

const RESOURCE_BODY = {
  schema: {
    type: 'object',
    properties: { targetAzureResourceId: { type: 'string' }, reason: { type: 'string', maxLength: 500 } },
    required: ['targetAzureResourceId'],
  },
};

/**
 * ISV self-service over the ISV's own subscription key (no platform token,
 * hence @Public: the use case authenticates). Errors are the issuer's.
 */
@ApiTags('ISV self-service')
@ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true, description: 'The ISV’s own subscription key.' })
@Controller('sts/v1.0/isv/clients')
export class IsvClientsController {
  constructor(private readonly clients: ManageClientBlocksUseCase) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'List the ISV’s clients with their issuance counts of the last 24 hours and block state' })
  list(@Headers('ocp-apim-subscription-key') key: string | undefined) {
    return this.clients.list(key, new Date());
  }

  @Post('block')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop issuing tokens for one client resource (takes effect on the next request)' })
  @ApiBody(RESOURCE_BODY)
  @ApiResponse({ status: 200, description: '{ resourceId, blocked: true }' })
  block(@Headers('ocp-apim-subscription-key') key: string | undefined, @Body() body: { targetAzureResourceId?: unknown; reason?: unknown } | null) {
    return this.clients.block(key, body?.targetAzureResourceId, body?.reason);
  }

  @Post('unblock')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume issuing tokens for one client resource' })
  @ApiBody(RESOURCE_BODY)
  @ApiResponse({ status: 200, description: '{ resourceId, blocked: false }' })
  unblock(@Headers('ocp-apim-subscription-key') key: string | undefined, @Body() body: { targetAzureResourceId?: unknown } | null) {
    return this.clients.unblock(key, body?.targetAzureResourceId);
  }
}
