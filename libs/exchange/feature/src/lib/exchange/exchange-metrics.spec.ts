import type { ConfigOf } from '@latchkey/config';
import { METRICS, prometheusName, renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { parseScrape } from '@latchkey/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayController } from '../gateway/gateway.controller';
import type { gatewayConfig } from '../gateway/gateway.config';
import { OAuthError } from '../oauth/oauth-error';
import { TokenExchangeController } from '../oauth/token-exchange.controller';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../oauth/token-exchange-request';
import type { exchangeTokensConfig } from '../tokens/exchange-tokens.config';
import { AudienceScopes } from './audience-scopes';
import { ExchangeMetrics, gatewayReason, tokenEndpointReason } from './exchange-metrics';
import { ExchangeRefusal } from './exchange-refusal';
import type { ExchangeResult, ExchangeTokenUseCase } from './exchange-token.use-case';

const DURATION = prometheusName(METRICS.exchangeDuration);

const EXCHANGED: ExchangeResult = { token: 'internal.jwt', jti: 'j-1', scopes: ['read'], expiresAt: new Date(Date.now() + 600_000), cached: false };
const GATEWAY = {
  // Nothing listens on port 9 here: the upstream call fails after the exchange succeeded.
  LATCHKEY_EXCHANGE_UPSTREAMS: { hr: { url: 'http://127.0.0.1:9', audience: 'api://hr', scopes: ['read'] } },
  LATCHKEY_EXCHANGE_UPSTREAM_TIMEOUT_MS: 1000,
} as unknown as ConfigOf<typeof gatewayConfig>;
const TOKENS = { LATCHKEY_EXCHANGE_ADMIN_AUDIENCE: 'api://admin' } as unknown as ConfigOf<typeof exchangeTokensConfig>;
const AUDIENCES = new AudienceScopes(GATEWAY, TOKENS);
const FORM = { grant_type: TOKEN_EXCHANGE_GRANT, subject_token: 'entra.jwt', subject_token_type: ACCESS_TOKEN_TYPE, scope: 'read', client_id: 'app' };

/** A reply that accepts whatever the controllers set on it. */
function reply(): FastifyReply {
  const fake = { header: () => fake, status: () => fake, send: async () => fake };
  return fake as unknown as FastifyReply;
}

function request(rawHeaders: string[] = []): FastifyRequest {
  return { method: 'GET', url: '/api/services/v1/hr/people', headers: {}, raw: { rawHeaders }, ip: '127.0.0.1' } as unknown as FastifyRequest;
}

const GATEWAY_HEADERS = ['Authorization', 'Bearer entra.jwt', 'scope', 'read', 'client_id', 'app'];

/** The recorded series of the histogram: labels (without the scope) → count. */
async function recorded(): Promise<Record<string, number>> {
  const scrape = parseScrape(await renderPrometheusMetrics());
  return Object.fromEntries(
    scrape.samples(`${DURATION}_count`).map((s) => [`${s.labels['mode']} ${s.labels['outcome']} ${s.labels['reason']}`, s.value]),
  );
}

describe(ExchangeMetrics.name, () => {
  let metrics: ExchangeMetrics;
  let exchange: jest.Mocked<Pick<ExchangeTokenUseCase, 'exchange'>>;
  let tokenEndpoint: TokenExchangeController;
  let gateway: GatewayController;

  beforeEach(() => {
    startTelemetry({ instrumentations: [] });
    // After the SDK started: instruments created before it stay no-op.
    metrics = new ExchangeMetrics();
    exchange = { exchange: jest.fn() };
    tokenEndpoint = new TokenExchangeController(exchange as unknown as ExchangeTokenUseCase, AUDIENCES, metrics);
    gateway = new GatewayController(exchange as unknown as ExchangeTokenUseCase, GATEWAY, metrics);
  });
  afterEach(() => shutdownTelemetry());

  it('records an exchange once, with reason none, however often it is ended', async () => {
    const timing = metrics.start('gateway');
    await new Promise((resolve) => setTimeout(resolve, 25));
    timing.end({ outcome: 'exchanged' });
    timing.end({ outcome: 'refused', reason: 'TokenExpired' });
    const scrape = parseScrape(await renderPrometheusMetrics());
    expect(await recorded()).toEqual({ 'gateway exchanged none': 1 });
    expect(scrape.total(`${DURATION}_sum`, { mode: 'gateway' })).toBeGreaterThanOrEqual(20);
  });

  it('labels the token endpoint’s answers with the OAuth error its body carries', async () => {
    exchange.exchange
      .mockResolvedValueOnce(EXCHANGED)
      .mockRejectedValueOnce(new ExchangeRefusal('EXCHANGE.EXPIRED', 'expired'))
      .mockRejectedValueOnce(new ExchangeRefusal('EXCHANGE.CLIENT_UNKNOWN', 'who?'))
      .mockRejectedValueOnce(new ExchangeRefusal('EXCHANGE.JWKS_UNAVAILABLE', 'later', 30));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await tokenEndpoint.token(FORM, request(), reply()).catch((error: unknown) => error));
    // Refused by the request checks, before any exchange: also an exchange request answered.
    await tokenEndpoint.token({ ...FORM, grant_type: 'password' }, request(), reply());
    expect(answers[0]).toMatchObject({ access_token: 'internal.jwt' });
    expect(await recorded()).toEqual({
      'token-endpoint exchanged none': 1,
      'token-endpoint refused invalid_request': 1,
      'token-endpoint refused invalid_client': 1,
      'token-endpoint refused temporarily_unavailable': 1,
      'token-endpoint refused unsupported_grant_type': 1,
    });
  });

  it('labels the gateway’s refusals with their innererror code, and an exchange whose upstream then fails as exchanged', async () => {
    exchange.exchange.mockResolvedValueOnce(EXCHANGED).mockRejectedValueOnce(new ExchangeRefusal('EXCHANGE.REVOKED', 'revoked'));
    await expect(gateway.root('hr', request(GATEWAY_HEADERS), reply())).rejects.toMatchObject({ code: 'EXCHANGE.UPSTREAM_FAILED' });
    await expect(gateway.root('hr', request(GATEWAY_HEADERS), reply())).rejects.toMatchObject({ code: 'EXCHANGE.REVOKED' });
    await expect(gateway.root('hr', request(), reply())).rejects.toMatchObject({ code: 'EXCHANGE.TOKEN_MISSING' });
    // An API the gateway does not have is not an exchange: nothing is timed.
    await expect(gateway.root('payroll', request(GATEWAY_HEADERS), reply())).rejects.toMatchObject({ code: 'EXCHANGE.API_UNKNOWN' });
    expect(exchange.exchange).toHaveBeenCalledTimes(2);
    expect(await recorded()).toEqual({
      'gateway exchanged none': 1,
      'gateway refused AccessRevoked': 1,
      'gateway refused TokenMissing': 1,
    });
  });
});

describe(tokenEndpointReason.name, () => {
  it('is the RFC 6749 error of the answer, server_error for a failure of ours', () => {
    expect(tokenEndpointReason(new OAuthError('invalid_scope', 'no', 'EXCHANGE.SCOPE_NOT_ALLOWED'))).toBe('invalid_scope');
    expect(tokenEndpointReason(new ExchangeRefusal('EXCHANGE.CLIENT_MISMATCH', 'no'))).toBe('unauthorized_client');
    expect(tokenEndpointReason(new Error('database down'))).toBe('server_error');
  });
});

describe(gatewayReason.name, () => {
  it('is the innererror code of the answer, InternalServerError for a failure of ours', () => {
    expect(gatewayReason(new ExchangeRefusal('EXCHANGE.JWKS_UNAVAILABLE', 'later', 5))).toBe('IdentityProviderUnavailable');
    expect(gatewayReason(new Error('database down'))).toBe('InternalServerError');
  });
});
