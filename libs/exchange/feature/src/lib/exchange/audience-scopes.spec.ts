import fc from 'fast-check';
import { ConfigError } from '@latchkey/config';
import { ADMIN_SCOPE } from '@latchkey/contracts';
import type { Upstream } from '../gateway/gateway.config';
import { AudienceScopeCatalogue } from './audience-scopes';

const ADMIN = 'api://latchkey-admin';
const upstream = (audience: string, scopes: string[]): Upstream => ({ url: 'http://127.0.0.1:9', audience, scopes });
const UPSTREAMS = {
  testapi: upstream('api://latchkey-testapi', ['testapi.read', 'testapi.write']),
  hr: upstream('api://hr', ['hr.read']),
  // A second API behind the same audience: an audience's scopes are those of every API that has it.
  'hr-reports': upstream('api://hr', ['hr.reports']),
};

describe(AudienceScopeCatalogue.name, () => {
  const catalogue = new AudienceScopeCatalogue(UPSTREAMS, ADMIN);

  it('serves the upstream audiences, each once, and the admin audience, which is never an upstream one', () => {
    expect(catalogue.upstreamAudiences).toEqual(['api://latchkey-testapi', 'api://hr']);
    expect(catalogue.serves(ADMIN)).toBe(true);
    expect(catalogue.serves('api://elsewhere')).toBe(false);
  });

  it('accepts scopes that belong to the audience', () => {
    expect(catalogue.foreignScopes('api://latchkey-testapi', ['testapi.write', 'testapi.read'])).toEqual([]);
    expect(catalogue.foreignScopes('api://hr', ['hr.read', 'hr.reports'])).toEqual([]);
    expect(catalogue.foreignScopes(ADMIN, [ADMIN_SCOPE])).toEqual([]);
  });

  it.each([
    ['an API’s scope in an admin token', ADMIN, [ADMIN_SCOPE, 'testapi.read'], ['testapi.read']],
    ['the admin scope in an API’s token', 'api://latchkey-testapi', ['testapi.read', ADMIN_SCOPE], [ADMIN_SCOPE]],
    ['another API’s scope', 'api://latchkey-testapi', ['testapi.read', 'hr.read'], ['hr.read']],
    ['a scope no audience has', 'api://hr', ['hr.read', 'everything'], ['everything']],
    ['any scope for an audience it does not serve', 'api://elsewhere', ['testapi.read'], ['testapi.read']],
    ['inherited property names', 'api://hr', ['constructor', '__proto__', 'hasOwnProperty'], ['constructor', '__proto__', 'hasOwnProperty']],
  ])('names %s as foreign', (_what, audience, requested, foreign) => {
    expect(catalogue.foreignScopes(audience, requested)).toEqual(foreign);
  });

  it('never lets a request through with a scope its audience does not declare', () => {
    const declared: Record<string, readonly string[]> = {
      'api://latchkey-testapi': ['testapi.read', 'testapi.write'],
      'api://hr': ['hr.read', 'hr.reports'],
      [ADMIN]: [ADMIN_SCOPE],
    };
    const scope = fc.constantFrom('testapi.read', 'testapi.write', 'hr.read', 'hr.reports', ADMIN_SCOPE, 'other');
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(declared)), fc.array(scope, { maxLength: 6 }), (audience, requested) => {
        const accepted = catalogue.foreignScopes(audience, requested).length === 0;
        expect(accepted).toBe(requested.every((asked) => declared[audience]?.includes(asked)));
      }),
    );
  });

  it('knows every scope some audience declares, each once and sorted, the admin scope included', () => {
    expect(catalogue.knownScopes).toEqual(['hr.read', 'hr.reports', ADMIN_SCOPE, 'testapi.read', 'testapi.write']);
    expect(new AudienceScopeCatalogue({}, ADMIN).knownScopes).toEqual([ADMIN_SCOPE]);
  });

  it('names the scopes no audience declares, in the given order, whichever audience declares the others', () => {
    expect(catalogue.unknownScopes(['hr.read', 'hr.write', ADMIN_SCOPE, 'testapi.read', 'constructor', 'testapi.raed'])).toEqual([
      'hr.write',
      'constructor',
      'testapi.raed',
    ]);
    expect(catalogue.unknownScopes([])).toEqual([]);
  });

  it('refuses, as a configuration error, an upstream that claims the admin audience', () => {
    const build = () => new AudienceScopeCatalogue({ ...UPSTREAMS, console: upstream(ADMIN, ['console.read']) }, ADMIN);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow("LATCHKEY_EXCHANGE_UPSTREAMS [exchange-gateway]: console.audience: is the admin APIs' audience");
  });
});
