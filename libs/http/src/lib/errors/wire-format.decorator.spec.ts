import { wireFamilyOf, WIRE_FORMAT_ROUTE_CONFIG_KEY } from './wire-format.decorator';

type RequestLike = Parameters<typeof wireFamilyOf>[0];
const request = (url: string, config: Record<string, unknown> = {}) => ({ url, routeOptions: { config } }) as unknown as RequestLike;

describe(wireFamilyOf.name, () => {
  it('defaults to the Azure family', () => {
    expect(wireFamilyOf(request('/sts/v1.0/issueToken'))).toBe('azure');
  });

  it('uses the OAuth family under /oauth2/', () => {
    expect(wireFamilyOf(request('/oauth2/token?x=1'))).toBe('oauth');
    expect(wireFamilyOf(request('/oauth2'))).toBe('azure');
  });

  it('prefers the route decorator over the prefix rule', () => {
    expect(wireFamilyOf(request('/oauth2/token', { [WIRE_FORMAT_ROUTE_CONFIG_KEY]: 'azure' }))).toBe('azure');
    expect(wireFamilyOf(request('/api/token', { [WIRE_FORMAT_ROUTE_CONFIG_KEY]: 'oauth' }))).toBe('oauth');
  });
});
