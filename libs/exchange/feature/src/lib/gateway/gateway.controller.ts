import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { LatchkeyError } from '@latchkey/contracts';
import { AcceptsForm, Public, type HttpErrorCode } from '@latchkey/http';
import { ExchangeMetrics, gatewayReason } from '../exchange/exchange-metrics';
import { ExchangeRefusal } from '../exchange/exchange-refusal';
import { ExchangeTokenUseCase } from '../exchange/exchange-token.use-case';
import { EXCHANGE_WIRE_ERRORS } from '../exchange/exchange-wire-errors';
import { forwardToUpstream } from './forward-to-upstream';
import { API_NAME, gatewayConfig } from './gateway.config';
import { upstreamPathOf } from './gateway-path';
import { GatewayRequestError, readGatewayRequest } from './gateway-request';

/**
 * Gateway mode, as the identity-governance APIs are called: `POST|GET
 * /api/services/v1/<api>[/…]` with `Authorization: Bearer <Entra access
 * token>`, `scope` and `client_id` headers. The three headers are read
 * strictly, the token exchanged (ExchangeTokenUseCase, audience = the API's),
 * and the call forwarded to the configured upstream with the internal token
 * in their place, the body byte for byte; the upstream's answer goes back
 * unchanged. A body it cannot forward is refused, never dropped: a media type
 * the platform does not read (or JSON or a form labelled other than UTF-8) is
 * the platform's 415 before this runs, a GET's body 400. Refusals are
 * the platform's Azure shape; a token problem carries an RFC 6750
 * `WWW-Authenticate: Bearer` challenge, an identity-provider outage
 * `Retry-After`.
 */
@ApiTags('gateway')
@Controller('api/services/v1')
export class GatewayController {
  constructor(
    private readonly exchange: ExchangeTokenUseCase,
    @InjectConfig(gatewayConfig) private readonly config: ConfigOf<typeof gatewayConfig>,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @All(':api')
  @Public()
  // Bodies are forwarded byte for byte (the platform keeps them as rawBody), forms included (the seed's example posts one).
  @AcceptsForm()
  @ApiOperation({ summary: 'Exchange the Entra token and forward the call to the API (its answer comes back unchanged)' })
  @ApiParam({ name: 'api', description: 'A configured upstream API (LATCHKEY_EXCHANGE_UPSTREAMS).' })
  @ApiResponse({
    status: 400,
    description:
      'BadArgument (InvalidExchangeRequest, ScopeNotAllowed, ScopeNotForAudience): a missing, repeated or malformed scope or client_id, ' +
      'no scope the application allows, or a scope that is not this API’s; BadArgument: a GET with a body',
  })
  @ApiResponse({
    status: 415,
    description:
      'BadArgument "Invalid Media Type.": a body that is not JSON, a form or text/plain (the bodies forwarded byte for byte), ' +
      'or JSON or a form labelled with a charset other than UTF-8',
  })
  @ApiResponse({
    status: 401,
    description: 'Unauthorized (TokenMissing, TokenMalformed, TokenExpired, IssuerUntrusted, …), with WWW-Authenticate: Bearer',
  })
  @ApiResponse({ status: 403, description: 'Forbidden: the OAuth application’s policy or a revocation refused the exchange' })
  @ApiResponse({ status: 404, description: 'NotFound (ApiUnknown)' })
  @ApiResponse({ status: 502, description: 'BadGateway (UpstreamFailed): the API did not answer' })
  @ApiResponse({ status: 503, description: 'ServiceUnavailable (IdentityProviderUnavailable), with Retry-After' })
  root(@Param('api') api: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forward(api, request, reply);
  }

  @All(':api/*')
  @Public()
  @AcceptsForm()
  @ApiOperation({ summary: 'As above, for a path below the API' })
  @ApiParam({ name: 'api' })
  nested(@Param('api') api: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forward(api, request, reply);
  }

  private async forward(api: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      void reply.header('allow', 'GET, POST');
      throw new LatchkeyError<HttpErrorCode>('HTTP.METHOD_NOT_ALLOWED', 'The gateway takes GET and POST.');
    }
    const upstream =
      API_NAME.test(api) && Object.hasOwn(this.config.LATCHKEY_EXCHANGE_UPSTREAMS, api) ? this.config.LATCHKEY_EXCHANGE_UPSTREAMS[api] : undefined;
    if (upstream === undefined) throw new ExchangeRefusal('EXCHANGE.API_UNKNOWN', 'No API of this name behind the gateway.');
    // Fastify never reads a GET's body and nothing would forward it: refused rather than dropped on the way.
    if (request.method === 'GET' && carriesBody(request)) {
      throw new LatchkeyError<HttpErrorCode>('HTTP.BAD_REQUEST', 'The gateway forwards no body on a GET; send it with POST.');
    }
    const { rest, search } = upstreamPathOf(request.url);
    let exchanged;
    // Timed: the three headers read and the exchange, not the method and API checks before it nor the upstream call after it.
    const timing = this.metrics.start('gateway');
    try {
      const asked = readGatewayRequest(request);
      exchanged = await this.exchange.exchange({ ...asked, audience: upstream.audience, clientIp: request.ip ?? null });
    } catch (error) {
      timing.end({ outcome: 'refused', reason: gatewayReason(error) });
      challenge(error, reply);
      throw error;
    }
    timing.end({ outcome: 'exchanged' });
    const target = new URL(`${upstream.url.replace(/\/+$/, '')}${rest}${search}`);
    let answer;
    try {
      answer = await forwardToUpstream({
        target,
        method: request.method,
        headers: request.headers,
        body: rawBodyOf(request),
        internalToken: exchanged.token,
        timeoutMs: this.config.LATCHKEY_EXCHANGE_UPSTREAM_TIMEOUT_MS,
      });
    } catch {
      // The upstream's address and the error stay in our logs' domain, not the caller's.
      throw new ExchangeRefusal('EXCHANGE.UPSTREAM_FAILED', 'The API did not answer.');
    }
    void reply.status(answer.status);
    for (const [name, value] of answer.headers) void reply.header(name, value);
    await reply.send(answer.body);
  }
}

/** The exact bytes the caller sent (the platform keeps them beside the parsed body), if any. */
function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  const raw = (request as FastifyRequest & { rawBody?: Buffer | string }).rawBody;
  return raw === undefined ? undefined : Buffer.from(raw);
}

/** RFC 9112 §6.3: a request has content when it says so with Transfer-Encoding or a non-zero Content-Length. */
function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

/** RFC 6750 §3: a 401 about the token says so in a Bearer challenge; an outage says when to retry. */
function challenge(error: unknown, reply: FastifyReply): void {
  if (error instanceof ExchangeRefusal && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  const code = error instanceof ExchangeRefusal || error instanceof GatewayRequestError ? error.code : undefined;
  if (code === undefined || EXCHANGE_WIRE_ERRORS[code].status !== 401) return;
  const realm = 'Bearer realm="latchkey-exchange"';
  void reply.header('www-authenticate', code === 'EXCHANGE.TOKEN_MISSING' ? realm : `${realm}, error="invalid_token"`);
}
