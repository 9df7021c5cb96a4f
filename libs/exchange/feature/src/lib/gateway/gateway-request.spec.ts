import { readGatewayRequest, GatewayRequestError } from './gateway-request';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2ln';

/** A request as Node gives it: the raw header list, repeats kept. */
const request = (...pairs: [string, string][]) => ({ raw: { rawHeaders: pairs.flat() } }) as never;
const good: [string, string][] = [
  ['Authorization', `Bearer ${TOKEN}`],
  ['scope', 'testapi.read testapi.write'],
  ['client_id', 'testapi-client'],
];

function refusal(...pairs: [string, string][]): { code: string; message: string } {
  try {
    readGatewayRequest(request(...pairs));
  } catch (error) {
    if (error instanceof GatewayRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe(readGatewayRequest.name, () => {
  it('reads the token, the scopes and the application, header names in any case', () => {
    expect(readGatewayRequest(request(['AUTHORIZATION', `bearer ${TOKEN}`], ['Scope', 'a b a'], ['CLIENT_ID', 'app']))).toEqual({
      sourceToken: TOKEN,
      scopes: ['a', 'b'],
      clientId: 'app',
    });
    expect(readGatewayRequest(request(...good)).scopes).toEqual(['testapi.read', 'testapi.write']);
  });

  it('answers no token TOKEN_MISSING, and another scheme, two tokens or two headers TOKEN_MALFORMED', () => {
    expect(refusal(good[1]!, good[2]!).code).toBe('EXCHANGE.TOKEN_MISSING');
    expect(refusal(['authorization', `Basic ${TOKEN}`], good[1]!, good[2]!).code).toBe('EXCHANGE.TOKEN_MALFORMED');
    expect(refusal(['authorization', `Bearer  ${TOKEN}`], good[1]!, good[2]!).code).toBe('EXCHANGE.TOKEN_MALFORMED');
    expect(refusal(['authorization', `Bearer ${TOKEN} ${TOKEN}`], good[1]!, good[2]!).code).toBe('EXCHANGE.TOKEN_MALFORMED');
    expect(refusal(good[0]!, good[0]!, good[1]!, good[2]!).code).toBe('EXCHANGE.TOKEN_MALFORMED');
  });

  it.each([
    ['no scope', [good[0]!, good[2]!], 'scope'],
    ['two scope headers', [...good, ['scope', 'x'] as [string, string]], 'scope'],
    ['an empty scope', [good[0]!, ['scope', ''] as [string, string], good[2]!], 'scope'],
    ['a scope with a quote', [good[0]!, ['scope', 'a"b'] as [string, string], good[2]!], 'scope'],
    ['no client_id', [good[0]!, good[1]!], 'client_id'],
    ['a client_id with a space', [good[0]!, good[1]!, ['client_id', 'a b'] as [string, string]], 'client_id'],
  ])('refuses %s with REQUEST_INVALID naming the header', (_what, pairs, header) => {
    const refused = refusal(...(pairs as [string, string][]));
    expect(refused.code).toBe('EXCHANGE.REQUEST_INVALID');
    expect(refused.message).toContain(`${header} header`);
  });

  it('never repeats a header value in its message', () => {
    expect(refusal(good[0]!, ['scope', 'a"secret-ish'], good[2]!).message).not.toContain('secret-ish');
    expect(refusal(['authorization', `Basic ${TOKEN}`], good[1]!, good[2]!).message).not.toContain(TOKEN);
  });
});
