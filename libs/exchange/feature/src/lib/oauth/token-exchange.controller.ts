import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rawHeaderValues } from '@latchkey/access-guards';
import { AcceptsForm, Public, WireFormat } from '@latchkey/http';
import { clientSecretMatches } from '../applications/client-secret';
import { AudienceScopes } from '../exchange/audience-scopes';
import { ExchangeMetrics, tokenEndpointReason } from '../exchange/exchange-metrics';
import { ExchangeRefusal } from '../exchange/exchange-refusal';
import { ExchangeTokenUseCase } from '../exchange/exchange-token.use-case';
import { OAuthError } from './oauth-error';
import { refusalHeaders } from './refusal-headers';
import {
  ACCESS_TOKEN_TYPE,
  assertFormContentType,
  parseTokenExchangeRequest,
  type ClientAuthentication,
  type FormBody,
} from './token-exchange-request';

/** The RFC 8693 §2.2.1 success body. */
export interface TokenExchangeResponse {
  readonly access_token: string;
  readonly issued_token_type: typeof ACCESS_TOKEN_TYPE;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

/**
 * Standard mode: RFC 8693 token exchange at `POST /oauth2/token`
 * (`application/x-www-form-urlencoded`). The request is read strictly
 * (token-exchange-request.ts), the client authenticated against its OAuth
 * application (HTTP Basic or `client_secret` in the body for an application
 * with a secret; `client_id` alone only for one without), the audience must
 * be one of the gateway's upstream APIs or the admin APIs' (the only
 * audiences the exchange mints for; omitted, the only upstream), then ExchangeTokenUseCase does the rest
 * (a scope that does not belong to that audience is `invalid_target` there, after client authentication).
 * Errors are RFC 6749 bodies (the `/oauth2/` route family), never cached, with RFC 6749 §5.2's statuses:
 * 400 for every error but `invalid_client` (401, always with the Basic challenge); a body that is not a
 * form 415, as the platform answers any media type a route does not read.
 */
@ApiTags('token-exchange')
@WireFormat('oauth')
@Controller('oauth2')
export class TokenExchangeController {
  constructor(
    private readonly exchange: ExchangeTokenUseCase,
    private readonly audiences: AudienceScopes,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Post('token')
  @Public()
  // RFC 6749 §3.2: the token request is a form.
  @AcceptsForm()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'RFC 8693 token exchange: an Entra ID access token for an internal access token (at+jwt)' })
  @ApiResponse({ status: 200, description: '{ access_token, issued_token_type, token_type: "Bearer", expires_in, scope }' })
  @ApiResponse({
    status: 400,
    description:
      'RFC 6749 error (every refusal but invalid_client, RFC 6749 §5.2): invalid_request (a malformed request, a bad subject token, ' +
      'a policy or revocation refusal), unauthorized_client, invalid_scope, invalid_target, unsupported_grant_type',
  })
  @ApiResponse({ status: 401, description: 'RFC 6749 error: invalid_client, with WWW-Authenticate: Basic realm="latchkey-exchange"' })
  @ApiResponse({ status: 415, description: 'RFC 6749 error: invalid_request, the body is not application/x-www-form-urlencoded' })
  @ApiResponse({ status: 503, description: 'temporarily_unavailable: the identity provider’s keys are out of reach (Retry-After)' })
  async token(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenExchangeResponse | object> {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // Timed: everything this endpoint does for the exchange (the form, the client, the audience, the exchange itself).
    const timing = this.metrics.start('token-endpoint');
    try {
      const authorization = rawHeaderValues(request, 'authorization');
      if (authorization.length > 1) throw new OAuthError('invalid_request', 'Send one Authorization header.', 'EXCHANGE.REQUEST_INVALID');
      assertFormContentType(request.headers['content-type']);
      const parsed = parseTokenExchangeRequest(formOf(body), authorization[0]);
      const audience = this.audienceFor(parsed.audience);
      const result = await this.exchange.exchange({
        sourceToken: parsed.subjectToken,
        clientId: parsed.client.clientId,
        scopes: parsed.scopes,
        audience,
        clientIp: request.ip ?? null,
        authenticate: (app) => (clientAuthenticated(app, parsed.client) ? undefined : 'EXCHANGE.CLIENT_UNKNOWN'),
      });
      timing.end({ outcome: 'exchanged' });
      return {
        access_token: result.token,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: Math.max(0, Math.floor((result.expiresAt.getTime() - Date.now()) / 1000)),
        scope: result.scopes.join(' '),
      };
    } catch (error) {
      timing.end({ outcome: 'refused', reason: tokenEndpointReason(error) });
      for (const [name, value] of Object.entries(refusalHeaders(error))) void reply.header(name, value);
      if (error instanceof OAuthError) {
        void reply.status(error.status);
        return error.body();
      }
      // The exception filter renders the rest; on this route, with the status RFC 6749 §5.2 gives its `error`.
      throw error;
    }
  }

  /**
   * The asked-for audience if it is an upstream API's or the admin APIs', or
   * the only upstream's when none is asked for (the admin audience is never
   * implied: an operator token is asked for by name).
   */
  private audienceFor(asked: string | undefined): string {
    const upstreams = this.audiences.upstreamAudiences;
    if (asked === undefined && upstreams.length === 1) return upstreams[0] as string;
    if (asked !== undefined && this.audiences.serves(asked)) return asked;
    throw new ExchangeRefusal(
      'EXCHANGE.TARGET_INVALID',
      asked === undefined ? 'Name the audience: this exchange serves several APIs.' : 'No API here has this audience.',
    );
  }
}

/** The form body as parsed (repeated names as arrays); anything else is an empty form, which the parser refuses. */
function formOf(body: unknown): FormBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as FormBody) : {};
}

/**
 * RFC 6749 §2.3: an application with a secret must authenticate with it (Basic or in the body); one without
 * (a public client) may send its client_id alone, and a secret sent for it is refused rather than ignored.
 */
function clientAuthenticated(app: Parameters<typeof clientSecretMatches>[0], client: ClientAuthentication): boolean {
  if (client.method === 'none') return app.clientSecretHash === null;
  return clientSecretMatches(app, client.clientSecret);
}
