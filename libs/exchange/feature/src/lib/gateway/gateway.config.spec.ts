import { ConfigError, loadConfig } from '@latchkey/config';
import { gatewayConfig } from './gateway.config';

const TESTAPI = { url: 'http://127.0.0.1:3010/testapi', audience: 'api://latchkey-testapi', scopes: ['testapi.read', 'testapi.write'] };

function upstreams(value: unknown) {
  return loadConfig(gatewayConfig, { LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify(value) }).LATCHKEY_EXCHANGE_UPSTREAMS;
}

/** The problem the configuration error reports for LATCHKEY_EXCHANGE_UPSTREAMS. */
function problemWith(value: unknown): string {
  try {
    upstreams(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.problem).join(' | ');
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('gatewayConfig', () => {
  it('has no upstream by default', () => {
    expect(loadConfig(gatewayConfig, {}).LATCHKEY_EXCHANGE_UPSTREAMS).toEqual({});
  });

  it('reads each upstream with the scopes that belong to it, each once', () => {
    expect(upstreams({ testapi: { ...TESTAPI, scopes: ['testapi.read', 'testapi.write', 'testapi.read'] } })).toEqual({ testapi: TESTAPI });
  });

  it('refuses an upstream without scopes, naming the API and saying what to add', () => {
    const { scopes: _scopes, ...unscoped } = TESTAPI;
    expect(problemWith({ testapi: unscoped })).toBe('testapi.scopes: is required: list the scopes that belong to this API, e.g. ["testapi.read"]');
  });

  it.each([
    ['an empty list', [], 'testapi.scopes: must list at least one scope'],
    ['a list that is not one', 'testapi.read', 'testapi.scopes: Invalid input: expected array, received string'],
    ['a scope with a space', ['testapi.read testapi.write'], 'testapi.scopes.0: scope names are RFC 6749 scope tokens'],
    ['a scope with a quote', ['testapi"read'], 'testapi.scopes.0: scope names are RFC 6749 scope tokens'],
    ['the admin scope', ['testapi.read', 'latchkey.admin'], "testapi.scopes: latchkey.admin belongs to the admin APIs' audience"],
    ['over 100 scopes', Array.from({ length: 101 }, (_, i) => `s${i}`), 'testapi.scopes: at most 100 scopes'],
  ])('refuses %s as scopes', (_what, scopes, problem) => {
    expect(problemWith({ testapi: { ...TESTAPI, scopes } })).toContain(problem);
  });

  it('reports every bad upstream at once, each by name', () => {
    const problem = problemWith({ hr: { url: 'http://hr', audience: 'api://hr' }, testapi: { ...TESTAPI, url: 'ftp://x', scopes: [] } });
    expect(problem).toContain('hr.scopes: is required');
    expect(problem).toContain('testapi.url: must be an http(s) URL');
    expect(problem).toContain('testapi.scopes: must list at least one scope');
  });

  it('still refuses unknown fields and bad API names', () => {
    expect(problemWith({ testapi: { ...TESTAPI, scope: ['x'] } })).toContain('testapi: Unrecognized key: "scope"');
    expect(problemWith({ TestApi: TESTAPI })).toContain('API names are lower-case letters, digits and dashes');
  });
});
