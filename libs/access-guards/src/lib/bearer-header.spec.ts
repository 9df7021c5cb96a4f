import type { FastifyRequest } from 'fastify';
import { authorizationHeaders, singleBearer } from './bearer-header';

describe(authorizationHeaders.name, () => {
  it('lists every Authorization header in order, whatever the case of its name', () => {
    const request = { raw: { rawHeaders: ['Host', 'x', 'authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'] } } as unknown as FastifyRequest;
    expect(authorizationHeaders(request)).toEqual(['Bearer a', 'Bearer b']);
  });
});

describe(singleBearer.name, () => {
  it('takes the credential of one Bearer header, the scheme in any case', () => {
    expect(singleBearer(['Bearer a.b.c'])).toBe('a.b.c');
    expect(singleBearer(['bearer a.b-c_d~e+f/g=='])).toBe('a.b-c_d~e+f/g==');
  });

  it.each([
    ['no header', []],
    ['two headers', ['Bearer a', 'Bearer a']],
    ['another scheme', ['Basic dXNlcjpwYXNz']],
    ['a bare token', ['a.b.c']],
    ['two spaces', ['Bearer  a.b.c']],
    ['a trailing space', ['Bearer a.b.c ']],
  ])('refuses %s', (_why, headers) => {
    expect(singleBearer(headers)).toBeUndefined();
  });
});
