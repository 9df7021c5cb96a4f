import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoCredentials } from './demo-credentials';

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Why no token could be had, in words fit for a terminal: never a secret or a token. */
export class OperatorTokenError extends Error {}

/** What the operator-token flow reads of `demo-credentials.json`. */
export type OperatorTokenCredentials = Pick<DemoCredentials, 'operator' | 'services' | 'devIdentityProvider'>;

/** Reads `<dataDir>/demo-credentials.json`, as `npm start` wrote it. */
export async function readDemoCredentials(dataDir: string): Promise<OperatorTokenCredentials> {
  const path = join(dataDir, 'demo-credentials.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new OperatorTokenError(
      `${path} cannot be read: run \`npm start\` on this data folder (LATCHKEY_DATA_DIR) first, or name yours with --data-dir`,
    );
  }
  try {
    return JSON.parse(text) as OperatorTokenCredentials;
  } catch {
    throw new OperatorTokenError(`${path} is not JSON (was it edited?)`);
  }
}

/**
 * The demo operator's internal access token for the admin APIs, as an
 * operator console would get it: the development identity provider's
 * Entra-shaped token of the demo user, exchanged (RFC 8693) at the
 * exchange's `/oauth2/token` with the operator console's client id and
 * secret for the admin audience and scope. `fetchImpl` for tests.
 */
export async function operatorToken(credentials: OperatorTokenCredentials, fetchImpl: typeof fetch = fetch): Promise<string> {
  const { operator, devIdentityProvider: idp } = credentials;
  const exchange = credentials.services?.['exchange'];
  if (operator?.clientId === undefined || exchange === undefined) {
    throw new OperatorTokenError('the credentials file has no operator entry: it was written by an older `npm start`; start it again');
  }
  if (idp === null || idp === undefined || operator.personId === null) {
    throw new OperatorTokenError(
      'no development identity provider (LATCHKEY_STANDALONE_DEV_IDP=false): there is no demo operator to get a token for; see docs/RBAC.md "Operators"',
    );
  }
  if (operator.clientSecret === null) {
    throw new OperatorTokenError(
      `the operator console's client secret was created before this credentials file and is lost: rotate it with the exchange's admin API (docs/EXCHANGE.md)`,
    );
  }
  const entra = await call(fetchImpl, 'the development identity provider', idp.tokenEndpoint, { method: 'POST' });
  return call(fetchImpl, 'the exchange', `${exchange}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(operator.clientId)}:${encodeURIComponent(operator.clientSecret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: entra,
      subject_token_type: ACCESS_TOKEN_TYPE,
      scope: operator.scope,
      audience: operator.audience,
    }),
  });
}

/** POSTs and answers the body's `access_token`; any other answer is an OperatorTokenError naming the status and the OAuth error, not the body. */
async function call(fetchImpl: typeof fetch, what: string, url: string, init: RequestInit): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw new OperatorTokenError(`${what} at ${url} cannot be reached (${(error as Error).message}): is \`npm start\` running?`);
  }
  const body = (await response.json().catch(() => undefined)) as { access_token?: unknown; error?: unknown; error_description?: unknown } | undefined;
  if (response.ok && typeof body?.access_token === 'string') return body.access_token;
  const reason = [body?.error, body?.error_description].filter((part): part is string => typeof part === 'string').join(': ');
  throw new OperatorTokenError(`${what} at ${url} answered ${response.status}${reason ? ` (${reason})` : ''}`);
}
