import { ExchangeRefusal } from '../exchange/exchange-refusal';
import { OAuthError } from './oauth-error';
import { BASIC_CHALLENGE, refusalHeaders } from './refusal-headers';
import { parseTokenExchangeRequest, TOKEN_EXCHANGE_GRANT } from './token-exchange-request';

function thrownBy(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error('accepted');
}

describe(refusalHeaders.name, () => {
  it('challenges a request that sent no client authentication at all', () => {
    const error = thrownBy(() => parseTokenExchangeRequest({ grant_type: TOKEN_EXCHANGE_GRANT }, undefined));
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(refusalHeaders(error)).toEqual({ 'www-authenticate': BASIC_CHALLENGE });
  });

  it.each([
    ['a malformed Basic header', new OAuthError('invalid_client', 'The HTTP Basic credentials are malformed.', 'EXCHANGE.CLIENT_UNKNOWN')],
    ['an unknown client', new ExchangeRefusal('EXCHANGE.CLIENT_UNKNOWN', 'Unknown client.')],
    ['a disabled client', new ExchangeRefusal('EXCHANGE.CLIENT_DISABLED', 'Disabled.')],
  ])('challenges %s with HTTP Basic', (_what, error) => {
    expect(refusalHeaders(error)).toEqual({ 'www-authenticate': 'Basic realm="latchkey-exchange"' });
  });

  it.each([
    ['a malformed request', new OAuthError('invalid_request', 'No.', 'EXCHANGE.REQUEST_INVALID')],
    ['a JSON body', new OAuthError('invalid_request', 'No.', 'EXCHANGE.REQUEST_INVALID', { unsupportedMediaType: true })],
    ['a bad subject token', new ExchangeRefusal('EXCHANGE.EXPIRED', 'Expired.')],
    ['a policy refusal', new ExchangeRefusal('EXCHANGE.CLIENT_MISMATCH', 'Mismatch.')],
    ['a crash', new Error('boom')],
  ])('adds no header to %s', (_what, error) => {
    expect(refusalHeaders(error)).toEqual({});
  });

  it('says when to come back when the identity provider is out of reach', () => {
    expect(refusalHeaders(new ExchangeRefusal('EXCHANGE.JWKS_UNAVAILABLE', 'Later.', 30))).toEqual({ 'retry-after': '30' });
  });
});
