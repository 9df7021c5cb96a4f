import { exchangeMetadata } from './exchange-metadata';

describe(exchangeMetadata.name, () => {
  it('names the issuer exactly, and derives the keys and the token endpoint from it', () => {
    expect(exchangeMetadata('https://exchange.latchkey.test/')).toMatchObject({
      issuer: 'https://exchange.latchkey.test/',
      jwks_uri: 'https://exchange.latchkey.test/.well-known/jwks.json',
      token_endpoint: 'https://exchange.latchkey.test/oauth2/token',
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      token_types_supported: expect.arrayContaining(['at+jwt']),
    });
  });

  it('refuses an issuer with a query, which could never be an exact iss', () => {
    expect(() => exchangeMetadata('https://exchange.latchkey.test/?tenant=x')).toThrow();
  });
});
