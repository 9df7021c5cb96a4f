import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@latchkey/http';
import { assertOnlyQueryParameters, queryParameterNames } from '../issue/query-parameters';
import { REASON_MAX } from '../shared/free-text';
import { assertJsonBody } from '../shared/json-body';
import { ManageClientBlocksUseCase } from './manage-client-blocks.use-case';

const RESOURCE_BODY = {
  schema: {
    type: 'object',
    properties: {
      targetAzureResourceId: { type: 'string' },
      reason: {
        type: 'string',
        maxLength: REASON_MAX,
        description: `A note for your records (block only): at most ${REASON_MAX} characters, no control characters; refused, never truncated.`,
      },
    },
    required: ['targetAzureResourceId'],
  },
};

/**
 * ISV self-service over the ISV's own subscription key (no platform token,
 * hence @Public: the use case authenticates). Errors are the issuer's.
 */
@ApiTags('ISV self-service')
@ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true, description: 'The ISV’s own subscription key.' })
@ApiResponse({
  status: 400,
  description: 'BadArgument (InvalidQueryParameter: any query parameter, none is taken; InvalidRequestBody; InvalidResourceId)',
})
@ApiResponse({ status: 415, description: 'BadArgument: a block or unblock body that is not application/json, refused before the key is checked' })
@Controller('sts/v1.0/isv/clients')
export class IsvClientsController {
  constructor(private readonly clients: ManageClientBlocksUseCase) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List the ISV’s clients with their issuance counts of the last 24 hours and block state',
    description:
      '`blocked`: the ISV’s own block (unblock lifts it). `revoked`/`revokedAt`: the platform revoked the client (abuse detection or an operator); only the platform operator reinstates it. Tokens are issued only while both are false.',
  })
  list(@Headers('ocp-apim-subscription-key') key: string | undefined, @Query() query: unknown) {
    assertOnlyQueryParameters(queryParameterNames(query), []);
    return this.clients.list(key, new Date());
  }

  @Post('block')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop issuing tokens for one client resource (takes effect on the next request)' })
  @ApiBody(RESOURCE_BODY)
  @ApiResponse({ status: 200, description: '{ resourceId, blocked: true, revoked, revokedAt }' })
  block(
    @Headers('ocp-apim-subscription-key') key: string | undefined,
    @Query() query: unknown,
    @Body() body: { targetAzureResourceId?: unknown; reason?: unknown } | null,
    @Headers('content-type') contentType: string | undefined,
  ) {
    assertJsonBody(contentType);
    assertOnlyQueryParameters(queryParameterNames(query), []);
    return this.clients.block(key, body?.targetAzureResourceId, body?.reason);
  }

  @Post('unblock')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the ISV’s own block of one client resource; a platform revocation stays (the answer says `revoked: true`)' })
  @ApiBody(RESOURCE_BODY)
  @ApiResponse({ status: 200, description: '{ resourceId, blocked: false, revoked, revokedAt }: issuable again only if revoked is false' })
  unblock(
    @Headers('ocp-apim-subscription-key') key: string | undefined,
    @Query() query: unknown,
    @Body() body: { targetAzureResourceId?: unknown } | null,
    @Headers('content-type') contentType: string | undefined,
  ) {
    assertJsonBody(contentType);
    assertOnlyQueryParameters(queryParameterNames(query), []);
    return this.clients.unblock(key, body?.targetAzureResourceId);
  }
}
