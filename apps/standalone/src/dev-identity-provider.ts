import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEMO_CLIENT_ID } from '@latchkey/exchange/feature';
import { EntraTestProvider } from '@latchkey/exchange/testing';

/** How the provider is named wherever a person may read about it: logs, the welcome text, its answers. */
export const DEV_IDP_NOTICE = 'DEVELOPMENT IDENTITY PROVIDER — not Microsoft Entra ID, for local use only';

/** The demo tenant (`tid`): fixed, so that the exchange's person for the demo user survives restarts. */
export const DEV_TENANT_ID = 'de700000-0000-4000-8000-000000000001';
/** The demo user (`oid`) every token is minted for. */
const DEV_USER = {
  oid: 'de700000-0000-4000-8000-0000000000a1',
  name: 'Demo User (development identity provider)',
  username: 'demo.user@dev-tenant.latchkey.example',
} as const;
/** The `aud` of minted tokens: the exchange's default audience (`LATCHKEY_EXCHANGE_ENTRA_AUDIENCES`). */
const AUDIENCE = 'api://latchkey';

/** What the launcher, the welcome text and the credentials file need to know of a running provider. */
export interface DevIdentityProvider {
  /** `http://127.0.0.1:<port>`: the token endpoint. */
  readonly url: string;
  /** `POST` here (no body needed) for an Entra-shaped v2.0 access token of the demo user. */
  readonly tokenEndpoint: string;
  readonly tenantId: string;
  readonly userObjectId: string;
  /** The demo user's `name` and `preferred_username`, as its tokens carry them. */
  readonly userDisplayName: string;
  readonly username: string;
  /** The exact Entra issuer string its tokens carry (keys and discovery are served on 127.0.0.1). */
  readonly issuer: string;
  /** The exchange's variables that make it trust this provider. */
  readonly exchangeEnvironment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts `@latchkey/exchange/testing`'s EntraTestProvider (a real oidc-provider per issuer, on 127.0.0.1, keys
 * in memory) for the demo tenant, and on `127.0.0.1:<port>` the one thing a developer calls: `POST
 * /dev-idp/token` (a token for the demo user, as if the demo OAuth application had signed them in for the sample
 * API's scopes). Only the standalone launcher starts it; it binds to the loopback interface whatever LATCHKEY_HOST
 * says.
 */
export async function startDevIdentityProvider(options: { readonly port: number; readonly log: Logger }): Promise<DevIdentityProvider> {
  const provider = await EntraTestProvider.start({ tenants: [DEV_TENANT_ID], audience: AUDIENCE });
  let server: Server;
  try {
    server = await listen(options.port, (req, res) => void handle(provider, options.log, req, res));
  } catch (error) {
    await provider.stop();
    throw new Error(
      `the development identity provider cannot listen on 127.0.0.1:${options.port} (${(error as Error).message}): set LATCHKEY_STANDALONE_DEV_IDP_PORT, or LATCHKEY_STANDALONE_DEV_IDP=false`,
    );
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = provider.issuer(DEV_TENANT_ID, '2.0');
  options.log.warn({ issuer, tokenEndpoint: `${url}/dev-idp/token`, tenantId: DEV_TENANT_ID }, `${DEV_IDP_NOTICE}: started`);
  return {
    url,
    tokenEndpoint: `${url}/dev-idp/token`,
    tenantId: DEV_TENANT_ID,
    userObjectId: DEV_USER.oid,
    userDisplayName: DEV_USER.name,
    username: DEV_USER.username,
    issuer,
    exchangeEnvironment: {
      LATCHKEY_EXCHANGE_ENTRA_TENANTS: JSON.stringify(provider.trustedTenants([DEV_TENANT_ID], ['2.0'])),
      LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: AUDIENCE,
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await provider.stop();
    },
  };
}

async function handle(provider: EntraTestProvider, log: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://dev-idp.invalid');
    if (url.pathname === '/dev-idp/token') {
      if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request', error_description: 'POST here for a token.' }, { allow: 'POST' });
      const token = await provider.accessToken({
        tenant: DEV_TENANT_ID,
        version: '2.0',
        oid: DEV_USER.oid,
        appId: DEMO_CLIENT_ID,
        scopes: ['testapi.read', 'testapi.write'],
        name: DEV_USER.name,
        username: DEV_USER.username,
      });
      log.info({ tenantId: DEV_TENANT_ID, objectId: DEV_USER.oid }, `${DEV_IDP_NOTICE}: minted an access token`);
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, notice: DEV_IDP_NOTICE }, { 'cache-control': 'no-store' });
    }
    send(res, 404, { error: 'not_found', notice: DEV_IDP_NOTICE });
  } catch (error) {
    log.error({ err: error }, `${DEV_IDP_NOTICE}: request failed`);
    if (!res.headersSent) send(res, 500, { error: 'server_error' });
  }
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function listen(port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
