import { Body, Controller, Headers, HttpCode, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientIp, FEATURE_FLAGS } from '@latchkey/contracts';
import { Public } from '@latchkey/http';
import { IssuanceMetricsInterceptor } from './issuance-metrics.interceptor';
import { IssueLimitedAccessTokenUseCase, type DryRunGrant } from './issue-limited-access-token.use-case';
import { IssuerError } from './issuer.errors';
import { queryParameterNames } from './query-parameters';
import { assertJsonBody } from '../shared/json-body';

/**
 * The vendor's issueLimitedAccessToken operation, wire-compatible with its
 * public documentation: an ISV backend written against it works unchanged.
 * It authenticates with the ISV's subscription key, not a platform token,
 * hence @Public() (no platform guard; the use case is the check).
 */
@ApiTags('Limited access tokens')
@Controller('sts/v1.0')
export class IssueLimitedAccessTokenController {
  constructor(private readonly issue: IssueLimitedAccessTokenUseCase) {}

  @Post('issueLimitedAccessToken')
  @Public()
  @HttpCode(200)
  @UseInterceptors(IssuanceMetricsInterceptor)
  @ApiOperation({
    summary: 'Issue a limited access token for a client resource',
    description:
      'Returns the JWT as the body (`application/jwt`). The flags must be a subset of the ISV’s grants: a single ungranted flag refuses the whole request. Every refusal has a specific `innererror.code`; see docs/ISSUER.md.',
  })
  @ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true, description: 'The ISV’s own subscription key.' })
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description:
      'A DPoP proof (RFC 9449) for `POST <issuer URL>/sts/v1.0/issueLimitedAccessToken`: the token is bound to its key (`cnf.jkt`). Required for ISVs that issue sender-constrained tokens only.',
  })
  @ApiQuery({
    name: 'expiredTime',
    required: false,
    description:
      'Token lifetime in seconds, 60–86400; default 3600. No other query parameter than this and `dryRun` is accepted (400 InvalidQueryParameter).',
  })
  @ApiQuery({ name: 'dryRun', required: false, description: '`true`: check everything and answer what would be granted (JSON), issuing nothing.' })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        targetAzureResourceId: { type: 'string', description: 'The client’s Face resource id (or `resourceId`, the 2023 name; exactly one).' },
        resourceId: { type: 'string', deprecated: true },
        featureFlags: { type: 'array', minItems: 1, items: { type: 'string', enum: [...FEATURE_FLAGS] } },
      },
      required: ['featureFlags'],
    },
  })
  @ApiResponse({
    status: 200,
    description: 'The token; with dryRun=true, what would be granted',
    content: { 'application/jwt': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } },
  })
  @ApiResponse({
    status: 400,
    description:
      'BadArgument (InvalidRequestBody, InvalidResourceId, UnknownFeatureFlag, InvalidQueryParameter: a bad dryRun or any other query parameter than expiredTime and dryRun, InvalidDpopProof, DpopProofRequired) or InvalidTokenLifetime (InvalidExpiredTime)',
  })
  @ApiResponse({ status: 401, description: '401 (SubscriptionKeyMissing, SubscriptionKeyInvalid)' })
  @ApiResponse({
    status: 415,
    description: 'BadArgument "Invalid Media Type.": a body that is not application/json (a form included), refused before the key is checked',
  })
  @ApiResponse({ status: 429, description: '429 (IsvRateLimited), with Retry-After' })
  @ApiResponse({
    status: 403,
    description: 'PermissionDenied (ClientKeyIsNotIsvKey, IsvNotApproved, IsvRevoked, ClientBlocked: the ISV blocked the client, ClientRevoked: the platform revoked it) or UnsupportedFeature (FeatureNotGrantedToIsv)',
  })
  async issueLimitedAccessToken(
    @Headers('ocp-apim-subscription-key') subscriptionKey: string | undefined,
    @Query('expiredTime') expiredTime: string | string[] | undefined,
    @Query('dryRun') dryRun: string | string[] | undefined,
    @Query() query: unknown,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | DryRunGrant> {
    assertJsonBody(request.headers['content-type']);
    const issued = await this.issue
      .execute({
        subscriptionKey,
        expiredTime,
        queryParameters: queryParameterNames(query),
        dryRun,
        dpopProof: request.headers['dpop'] === undefined ? undefined : String(request.headers['dpop']),
        body,
        clientIp: ClientIp.safeParse(request.ip).success ? request.ip : null,
        userAgent: request.headers['user-agent'] ?? null,
      })
      .catch((error: unknown) => {
        const retryAfter = error instanceof IssuerError ? error.details['retryAfterSeconds'] : undefined;
        if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
        throw error;
      });
    if ('dryRun' in issued) return issued;
    void reply.header('content-type', 'application/jwt').header('cache-control', 'no-store');
    return issued.token;
  }
}
