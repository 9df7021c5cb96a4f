import { dirname, join } from 'node:path';
import type { DemoCredentials } from './demo-credentials';

/** Tells a person what they can do with the platform they just started. */
export function printWelcome(credentials: DemoCredentials, path: string, created: boolean, logFile: string, keptVariables: readonly string[]): void {
  const lines = [
    '',
    created ? 'Demo records created:' : 'Demo records (created on an earlier start):',
    `  ISV ${credentials.isv.id}, granted Face.Identification, Face.Verification, LimitedAccess.HighRisk`,
    `  client resource ${credentials.client.resourceId}`,
    `  OAuth applications ${credentials.oauthApplication.clientId} (internal API client) and ${credentials.operator.clientId} (operator console)`,
    `  operator roles ${credentials.operatorRoles.join(', ')}; the sample API's role ${credentials.sampleApi.role} (${credentials.sampleApi.permissions.join(', ')})`,
    `Their keys and secrets, and every service's base URL, are in ${path} (mode 0600), e.g.:`,
    `  jq -r .isv.subscriptionKey ${path}`,
    ...devIdentityProviderLines(credentials, keptVariables),
    ...operatorLines(credentials, dirname(path)),
    'API descriptions: <service url>/docs. Health: <service url>/healthz and /readyz.',
    `JSON logs of every service: ${logFile}`,
    'Press Ctrl-C to stop; data is kept in the data folder for the next start.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function devIdentityProviderLines(credentials: DemoCredentials, keptVariables: readonly string[]): string[] {
  const idp = credentials.devIdentityProvider;
  if (idp === null) return [];
  const exchange = credentials.services['exchange'] ?? '<exchange url>';
  return [
    `${idp.notice}:`,
    `  POST ${idp.tokenEndpoint} answers an Entra-shaped access token of a demo user (oid ${idp.userObjectId})`,
    `  of the demo tenant ${idp.tenantId} (issuer ${idp.issuer}, keys served on 127.0.0.1).`,
    `  The exchange trusts it: exchange the token at ${exchange}/oauth2/token with the demo OAuth application's`,
    `  client id and secret (README "Try it"). Its gateway reaches the sample API with RBAC: GET or POST`,
    `  ${credentials.sampleApi.gatewayUrl} with the token, the client id and scope testapi.read (GET) or testapi.write`,
    `  (POST) is exchanged for an internal token and forwarded to the testapi, which checks the scope and asks the rbac`,
    `  service for the permission: the demo user holds ${credentials.sampleApi.role}, so it answers who called and what they sent.`,
    ...keptVariables.map((name) => `  ${name} was set, so the exchange uses your value, not the launcher's: the above may not hold.`),
    '  LATCHKEY_STANDALONE_DEV_IDP=false turns it off.',
  ];
}

/** How an operator reaches the admin APIs: the demo user's token when there is one, else how a person gets a role. */
function operatorLines(credentials: DemoCredentials, dataDir: string): string[] {
  const { operator } = credentials;
  const issuer = credentials.services['issuer'] ?? '<issuer url>';
  if (operator.personId !== null) {
    const dataDirOption = dataDir === '.data' ? '' : ` -- --data-dir ${dataDir}`;
    return [
      `Operator: the demo user (person ${operator.personId}) holds ${operator.roles.join(', ')}. The admin APIs (/admin/v1/… of every`,
      `  service) take their internal access token (aud ${operator.audience}, scope ${operator.scope}; README "Try it"):`,
      `  TOKEN=$(npm run -s operator-token${dataDirOption})`,
      `  curl -H "Authorization: Bearer $TOKEN" ${issuer}/admin/v1/isvs`,
    ];
  }
  const rbac = credentials.services['rbac'] ?? '<rbac url>';
  return [
    'Operator: no demo user without the development identity provider. A person gets a role once their first exchange',
    `  has registered them (GET ${rbac}/admin/v1/subjects?kind=person), with the rbac service's break-glass operator key`,
    '  (LATCHKEY_RBAC_OPERATOR_KEY when set, else the file generated on the embedded database):',
    `  curl -X PUT -H "Authorization: Bearer $(cat ${join(dataDir, 'secrets', 'rbac-operator-key')})" \\`,
    `    ${rbac}/admin/v1/subjects/person/<person id>/assignments/platform-operator`,
    `  then their token from the exchange (client ${operator.clientId}, scope ${operator.scope}, audience ${operator.audience}) opens the admin APIs.`,
  ];
}
