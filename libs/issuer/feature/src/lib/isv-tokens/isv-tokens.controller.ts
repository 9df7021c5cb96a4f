import { applyDecorators, Controller, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@latchkey/http';
import { assertOnlyQueryParameters, queryParameterNames } from '../issue/query-parameters';
import { IssueIsvTokenUseCase, type IsvTokenGrant, type IsvTokenKind } from './issue-isv-token.use-case';

/** The OpenAPI description every ISV token endpoint shares; `summary` says what the token opens. */
function IsvTokenApi(summary: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true, description: 'The ISV’s own subscription key.' }),
    ApiResponse({ status: 200, description: '{ token, tokenType: "Bearer", isvId, expiresAt }' }),
    ApiResponse({ status: 400, description: 'BadArgument (InvalidQueryParameter): any query parameter (the operation takes none)' }),
    ApiResponse({ status: 401, description: '401 (SubscriptionKeyMissing, SubscriptionKeyInvalid)' }),
    ApiResponse({ status: 403, description: 'PermissionDenied (ClientKeyIsNotIsvKey, IsvRevoked)' }),
  );
}

/**
 * `POST /isv/v1/audit-feed-token` and `POST /isv/v1/cases-token`: the ISV's
 * subscription key in, a five-minute token for another service out (the
 * audit service's feed, the abuse detector's cases API). @Public because
 * the use case authenticates the key (no platform token exists for ISVs).
 */
@ApiTags('ISV self-service')
@Controller('isv/v1')
export class IsvTokensController {
  constructor(private readonly issue: IssueIsvTokenUseCase) {}

  @Post('audit-feed-token')
  @Public()
  @HttpCode(200)
  @IsvTokenApi('A five-minute bearer token (lk-audit-feed+jwt) for the ISV’s own audit feed: GET <audit>/isv/v1/isvs/{isvId}/audit-events')
  auditFeedToken(
    @Headers('ocp-apim-subscription-key') key: string | undefined,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IsvTokenGrant> {
    return this.grant('audit-feed', key, query, reply);
  }

  @Post('cases-token')
  @Public()
  @HttpCode(200)
  @IsvTokenApi(
    'A five-minute bearer token (lk-isv-cases+jwt) for the ISV’s own abuse cases at the abuse detector: <abuse-detector>/isv/v1/isvs/{isvId}/…',
  )
  casesToken(
    @Headers('ocp-apim-subscription-key') key: string | undefined,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IsvTokenGrant> {
    return this.grant('cases', key, query, reply);
  }

  private async grant(kind: IsvTokenKind, key: string | undefined, query: unknown, reply: FastifyReply): Promise<IsvTokenGrant> {
    assertOnlyQueryParameters(queryParameterNames(query), []);
    const grant = await this.issue.execute(kind, key);
    // A credential: no cache may keep it (RFC 6749 §5.1 asks the same of token responses).
    void reply.header('cache-control', 'no-store');
    return grant;
  }
}
