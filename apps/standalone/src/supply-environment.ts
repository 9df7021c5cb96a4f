import { deriveServiceKey, serviceKeyVariable } from '@latchkey/access-guards';

/**
 * Sets each variable that is unset (or empty, which configuration reads as unset) in the process environment,
 * and returns the names the user had set, which are kept. The in-process services read their config slices
 * from the process environment when their modules are created, so the launcher's defaults must be there
 * before it creates them.
 */
export function supplyUnsetVariables(values: Readonly<Record<string, string>>): string[] {
  // eslint-disable-next-line no-restricted-syntax -- writes launcher defaults for @latchkey/config to read; reads no configuration
  const env = process.env;
  const kept: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if ((env[name] ?? '').trim() !== '') kept.push(name);
    else env[name] = value;
  }
  return kept;
}

/**
 * Development settings that differ from a deployment's defaults, supplied like the addresses (a variable the user
 * set is kept): ISV case webhooks may go to a listener on this machine (plain http to 127.0.0.1 or localhost), which
 * a deployment refuses as server-side request forgery (docs/ABUSE.md "ISV webhooks").
 */
export const DEVELOPMENT_DEFAULTS: Readonly<Record<string, string>> = { LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };

/**
 * The sample protected API's name behind the gateway (`/api/services/v1/testapi`), the audience of its tokens and
 * the scopes that belong to it (those its endpoints require, and the demo OAuth application's).
 */
export const SAMPLE_API = { name: 'testapi', audience: 'api://latchkey-testapi', scopes: ['testapi.read', 'testapi.write'] } as const;

/**
 * The variables through which the in-process services find one another, from the ports they are given: the
 * exchange's `iss` (tokens are checked against it, and its keys fetched beside it) and the rbac service's
 * decision API, both used by every service's admin API guard, the gateway's upstream `testapi` (the
 * in-process sample API, `GET|POST /testapi`), and the audit's `iss` (its checkpoints name it, and verifiers
 * such as `latchkey audit verify` fetch its keys beside it). Their defaults name the default ports, so without these a
 * launcher on other ports would refuse every operator token. A port of 0 (any free port) is known only once
 * listening, after the guards are built: nothing is set for it.
 */
export function serviceAddresses(
  host: string,
  ports: { readonly exchange: number; readonly rbac: number; readonly testapi: number; readonly audit: number },
): Record<string, string> {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const exchange = `http://${reachable}:${ports.exchange}`;
  const testapi = {
    [SAMPLE_API.name]: { url: `http://${reachable}:${ports.testapi}/testapi`, audience: SAMPLE_API.audience, scopes: SAMPLE_API.scopes },
  };
  return {
    ...(ports.exchange === 0 ? {} : { LATCHKEY_EXCHANGE_URL: exchange, LATCHKEY_RBAC_EXCHANGE_ISSUER: exchange }),
    ...(ports.rbac === 0 ? {} : { LATCHKEY_RBAC_DECISION_URL: `http://${reachable}:${ports.rbac}/rbac/v1/decisions` }),
    ...(ports.testapi === 0 ? {} : { LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify(testapi) }),
    ...(ports.audit === 0 ? {} : { LATCHKEY_AUDIT_URL: `http://${reachable}:${ports.audit}` }),
  };
}

/**
 * Each in-process service's own key towards the rbac service (`LATCHKEY_<SERVICE>_RBAC_KEY`, docs/RBAC.md "Service
 * keys"), derived from the rbac service's secret like a deployment derives them: one process, but every service
 * still presents its own key, scoped to the decision API and its own endpoint list. Not for the rbac service (it
 * decides in-process).
 */
export function serviceKeyVariables(secret: Uint8Array, services: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    services.filter((service) => service !== 'rbac').map((service) => [serviceKeyVariable(service), deriveServiceKey(secret, service)]),
  );
}
