import { Controller, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AcceptsForm, Public } from '@latchkey/http';
import { assertOnlyQueryParameters, queryParameterNames } from '../issue/query-parameters';
import { IssueResourceTokenUseCase } from './issue-resource-token.use-case';

/** `POST /sts/v1.0/issueToken`, as the vendor's clients call it (empty form body, raw JWT back). */
@ApiTags('Limited access tokens')
@Controller('sts/v1.0')
export class IssueResourceTokenController {
  constructor(private readonly issue: IssueResourceTokenUseCase) {}

  @Post('issueToken')
  @Public()
  // The vendor's clients send an empty form body.
  @AcceptsForm()
  @HttpCode(200)
  @ApiOperation({ summary: 'A 10-minute bearer token for the subscription key’s own resource (Authorization: Bearer)' })
  @ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true })
  @ApiResponse({ status: 200, description: 'The token', content: { 'application/jwt': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidQueryParameter): any query parameter (the operation takes none)' })
  @ApiResponse({ status: 401, description: '401 (SubscriptionKeyMissing, SubscriptionKeyInvalid)' })
  @ApiResponse({ status: 403, description: 'PermissionDenied (ClientKeyIsNotIsvKey, KeyHasNoResource)' })
  async issueToken(
    @Headers('ocp-apim-subscription-key') key: string | undefined,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    assertOnlyQueryParameters(queryParameterNames(query), []);
    const token = await this.issue.execute(key);
    void reply.header('content-type', 'application/jwt').header('cache-control', 'no-store');
    return token;
  }
}
