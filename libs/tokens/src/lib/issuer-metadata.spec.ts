import { issuerMetadata } from './issuer-metadata';
import { TokenError } from './token-error';

describe(issuerMetadata.name, () => {
  it('names the issuer, its JWKS, the pinned algorithms and the token types, and claims no ID tokens', () => {
    const metadata = issuerMetadata({ issuer: 'https://sts.latchkey.test', jwksUri: 'https://sts.latchkey.test/.well-known/jwks.json' });
    expect(metadata).toEqual({
      issuer: 'https://sts.latchkey.test',
      jwks_uri: 'https://sts.latchkey.test/.well-known/jwks.json',
      token_signing_alg_values_supported: ['ES256', 'EdDSA'],
      token_types_supported: ['lat+jwt', 'at+jwt'],
    });
    expect(Object.keys(metadata).some((name) => name.startsWith('id_token'))).toBe(false);
  });

  it.each([
    ['an issuer with a query', { issuer: 'https://sts.test?x=1', jwksUri: 'https://sts.test/jwks' }],
    ['an issuer with a fragment', { issuer: 'https://sts.test#a', jwksUri: 'https://sts.test/jwks' }],
    ['a relative issuer', { issuer: 'sts.test', jwksUri: 'https://sts.test/jwks' }],
    ['a non-http JWKS URI', { issuer: 'https://sts.test', jwksUri: 'file:///etc/jwks.json' }],
  ])('refuses %s', (_why, input) => {
    expect(() => issuerMetadata(input)).toThrow(TokenError);
  });
});
