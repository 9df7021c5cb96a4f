import { ExchangeRefusal } from '../exchange/exchange-refusal';
import { upstreamPathOf } from './gateway-path';

describe('upstreamPathOf', () => {
  it('forwards the path below the API and the query as sent', () => {
    expect(upstreamPathOf('/api/services/v1/testapi')).toEqual({ rest: '', search: '' });
    expect(upstreamPathOf('/api/services/v1/testapi?a=1&a=2')).toEqual({ rest: '', search: '?a=1&a=2' });
    expect(upstreamPathOf('/api/services/v1/testapi/users/a%20b?x=%2F')).toEqual({ rest: '/users/a%20b', search: '?x=%2F' });
    expect(upstreamPathOf('/api/services/v1/testapi/')).toEqual({ rest: '/', search: '' });
  });

  it('splits at the raw path, so a percent-encoded API name forwards the same path as the plain one', () => {
    // The router decodes `test%61pi` to `testapi`; cutting the decoded name's length off the raw path left `pi` behind.
    expect(upstreamPathOf('/api/services/v1/test%61pi')).toEqual({ rest: '', search: '' });
    expect(upstreamPathOf('/api/services/v1/%74%65%73%74%61%70%69/x')).toEqual({ rest: '/x', search: '' });
  });

  it.each([
    '/api/services/v1/testapi/..',
    '/api/services/v1/testapi/../../admin/v1/isvs',
    '/api/services/v1/testapi/./x',
    '/api/services/v1/testapi/%2e%2e/admin',
    '/api/services/v1/testapi/%2E./admin',
    '/api/services/v1/testapi/a%2Fb',
    '/api/services/v1/testapi/a%5Cb',
    '/api/services/v1/testapi/%E0%A4%A',
  ])('refuses %s (a climb out of the upstream base path, or bad percent-encoding)', (url) => {
    expect(() => upstreamPathOf(url)).toThrow(ExchangeRefusal);
    expect(() => upstreamPathOf(url)).toThrow(expect.objectContaining({ code: 'EXCHANGE.REQUEST_INVALID' }));
  });

  it('builds no upstream URL outside the base path from what it lets through', () => {
    const base = 'http://upstream.invalid/base';
    for (const url of ['/api/services/v1/testapi/x/..y/%2e%2ex', '/api/services/v1/testapi//x', '/api/services/v1/testapi/...']) {
      const { rest, search } = upstreamPathOf(url);
      expect(new URL(`${base}${rest}${search}`).pathname.startsWith('/base/')).toBe(true);
    }
  });
});
