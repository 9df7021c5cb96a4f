import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeModule } from '@latchkey/exchange/feature';
import { EntraTestProvider } from '@latchkey/exchange/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { generateSigningKey, type PublicJwks } from '@latchkey/tokens';

/** RFC 8693's grant type and the subject token type of an Entra access token. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/** A call the gateway forwarded to the upstream server. */
export interface UpstreamCall {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** The body's bytes exactly as received, for assertions that a decoding would blur (charsets, a byte order mark). */
  readonly rawBody: Buffer;
}

/** What the upstream server answers a call. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer;
}

/** An upstream API of the gateway: served by the recording upstream server under `path`. */
export interface UpstreamApi {
  readonly path: string;
  readonly audience: string;
  readonly scopes: readonly string[];
}

export interface ExchangeWithUpstreamOptions {
  /** `LATCHKEY_EXCHANGE_URL`: the `iss` of the internal tokens. */
  readonly exchangeUrl: string;
  /** The `aud` of the Entra tokens the exchange accepts. */
  readonly entraAudience: string;
  /** The tenants the identity provider serves. */
  readonly tenants: readonly string[];
  /** Those the exchange trusts; default all of them. */
  readonly trustedTenants?: readonly string[];
  /** `LATCHKEY_EXCHANGE_UPSTREAMS`, every API on the one recording upstream server. */
  readonly upstreams: Readonly<Record<string, UpstreamApi>>;
  /** What the upstream server answers every call, or a function of the call it answers (an echo, say). */
  readonly upstreamAnswer: UpstreamAnswer | ((call: UpstreamCall) => UpstreamAnswer);
  /** The OAuth application created through the admin API (with the operator key), whose secret the tests use. */
  readonly application: { readonly clientId: string; readonly displayName: string; readonly scopes: Readonly<Record<string, readonly string[]>> };
}

/**
 * The exchange booted in-process on real PostgreSQL and Kafka (startServiceUnderTest), trusting a real OIDC
 * provider (EntraTestProvider, Entra-shaped tokens), with its gateway's upstream APIs on one local server that
 * records every call, its published keys, and one OAuth application created through the admin API.
 */
export class ExchangeWithUpstream {
  private constructor(
    readonly idp: EntraTestProvider,
    readonly service: ServiceUnderTest,
    private readonly upstream: Server,
    /** Every call the upstream server received, in order; tests may empty it. */
    readonly upstreamCalls: UpstreamCall[],
    /** The exchange's keys as `/.well-known/jwks.json` publishes them. */
    readonly jwks: PublicJwks,
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  /** Boots everything; what was started is stopped again when a later step fails. */
  static async start(options: ExchangeWithUpstreamOptions): Promise<ExchangeWithUpstream> {
    const upstreamCalls: UpstreamCall[] = [];
    const upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const call: UpstreamCall = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: rawBody.toString(),
          rawBody,
        };
        upstreamCalls.push(call);
        const answer = typeof options.upstreamAnswer === 'function' ? options.upstreamAnswer(call) : options.upstreamAnswer;
        response.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
    await new Promise<void>((listening) => upstream.listen(0, '127.0.0.1', listening));
    let idp: EntraTestProvider | undefined;
    let service: ServiceUnderTest | undefined;
    try {
      idp = await EntraTestProvider.start({ tenants: [...options.tenants], audience: options.entraAudience });
      const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const operatorKey = `lk_op_${randomBytes(32).toString('base64url')}`;
      const key = await generateSigningKey('ES256');
      service = await startServiceUnderTest('exchange', ExchangeModule, {
        env: {
          LATCHKEY_EXCHANGE_URL: options.exchangeUrl,
          LATCHKEY_EXCHANGE_SIGNING_KEY: JSON.stringify(key.privateJwk),
          LATCHKEY_EXCHANGE_OPERATOR_KEY: operatorKey,
          LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: options.entraAudience,
          LATCHKEY_EXCHANGE_ENTRA_TENANTS: JSON.stringify(idp.trustedTenants(options.trustedTenants ?? options.tenants)),
          LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify(
            Object.fromEntries(
              Object.entries(options.upstreams).map(([api, { path, audience, scopes }]) => [api, { url: `${base}${path}`, audience, scopes }]),
            ),
          ),
        },
      });
      const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
      const created = await service.handle.app.inject({
        method: 'POST',
        url: '/admin/v1/oauth-applications',
        headers: { authorization: `Bearer ${operatorKey}` },
        payload: options.application,
      });
      if (created.statusCode !== 201) throw new Error(`creating the OAuth application answered ${created.statusCode}: ${created.body}`);
      const { clientSecret } = created.json<{ clientSecret: string }>();
      return new ExchangeWithUpstream(idp, service, upstream, upstreamCalls, jwks, options.application.clientId, clientSecret);
    } catch (error) {
      await stopAll(service, idp, upstream);
      throw error;
    }
  }

  /**
   * `POST /oauth2/token` as the application (HTTP Basic with `secret`, default its own), a form of the
   * token-exchange grant and subject token type with `fields` added or replacing them.
   */
  tokenRequest(fields: Readonly<Record<string, string>>, secret = this.clientSecret) {
    return this.service.handle.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      payload: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN, ...fields }).toString(),
    });
  }

  stop(): Promise<void> {
    return stopAll(this.service, this.idp, this.upstream);
  }
}

async function stopAll(service: ServiceUnderTest | undefined, idp: EntraTestProvider | undefined, upstream: Server): Promise<void> {
  await service?.stop();
  await idp?.stop();
  upstream.closeAllConnections();
  await new Promise((closed) => upstream.close(closed));
}
