import { OAuthError } from './oauth-error';
import { ACCESS_TOKEN_TYPE, MAX_SUBJECT_TOKEN_BYTES, parseTokenExchangeRequest, TOKEN_EXCHANGE_GRANT, type FormBody } from './token-exchange-request';

const SUBJECT = 'eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2ln';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const form = (overrides: Record<string, string | string[] | undefined> = {}): FormBody => ({
  grant_type: TOKEN_EXCHANGE_GRANT,
  subject_token: SUBJECT,
  subject_token_type: ACCESS_TOKEN_TYPE,
  scope: 'testapi.read testapi.write',
  client_id: 'testapi-client',
  client_secret: 's3cret',
  ...overrides,
});

function refusal(body: FormBody, authorization?: string): { error: string; status: number; reason: string; description: string; basic: boolean } {
  try {
    parseTokenExchangeRequest(body, authorization);
  } catch (error) {
    if (error instanceof OAuthError)
      return { error: error.error, status: error.status, reason: error.reason, description: error.description, basic: error.basicChallenge };
    throw error;
  }
  throw new Error('accepted');
}

describe(parseTokenExchangeRequest.name, () => {
  it('reads a well-formed request with the client secret in the body', () => {
    expect(parseTokenExchangeRequest(form({ audience: 'api://testapi' }), undefined)).toEqual({
      subjectToken: SUBJECT,
      scopes: ['testapi.read', 'testapi.write'],
      audience: 'api://testapi',
      client: { method: 'client_secret_post', clientId: 'testapi-client', clientSecret: 's3cret' },
    });
  });

  it('reads HTTP Basic client authentication, form-decoding both parts', () => {
    const request = parseTokenExchangeRequest(form({ client_id: undefined, client_secret: undefined }), basic('app:one', 'p@ss word'));
    expect(request.client).toEqual({ method: 'client_secret_basic', clientId: 'app:one', clientSecret: 'p@ss word' });
  });

  it('takes a public client by its client_id alone', () => {
    expect(parseTokenExchangeRequest(form({ client_secret: undefined }), undefined).client).toEqual({ method: 'none', clientId: 'testapi-client' });
  });

  it('collapses a repeated scope token', () => {
    expect(parseTokenExchangeRequest(form({ scope: 'a b a' }), undefined).scopes).toEqual(['a', 'b']);
  });

  it.each([
    ['no grant_type', { grant_type: undefined }, 'invalid_request'],
    ['another grant', { grant_type: 'client_credentials' }, 'unsupported_grant_type'],
    ['no subject token', { subject_token: undefined }, 'invalid_request'],
    ['an empty subject token', { subject_token: '' }, 'invalid_request'],
    ['an ID token type', { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request'],
    ['no subject_token_type', { subject_token_type: undefined }, 'invalid_request'],
    ['a SAML token asked for', { requested_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 'invalid_request'],
    ['an actor token', { actor_token: 'x', actor_token_type: ACCESS_TOKEN_TYPE }, 'invalid_request'],
    ['no scope', { scope: undefined }, 'invalid_scope'],
    ['a scope with two spaces', { scope: 'a  b' }, 'invalid_scope'],
    ['a scope with a quote', { scope: 'a"b' }, 'invalid_scope'],
    ['two audiences', { audience: ['api://a', 'api://b'] }, 'invalid_target'],
    ['an audience and another resource', { audience: 'api://a', resource: 'https://b' }, 'invalid_target'],
    ['a repeated grant_type', { grant_type: [TOKEN_EXCHANGE_GRANT, TOKEN_EXCHANGE_GRANT] }, 'invalid_request'],
    ['a repeated subject_token', { subject_token: [SUBJECT, SUBJECT] }, 'invalid_request'],
    ['no client at all', { client_id: undefined, client_secret: undefined }, 'invalid_client'],
  ])('refuses %s', (_what, overrides, error) => {
    expect(refusal(form(overrides))).toMatchObject({ error, status: error === 'invalid_client' ? 401 : 400 });
  });

  it('accepts one audience given both as audience and resource', () => {
    expect(parseTokenExchangeRequest(form({ audience: 'api://a', resource: 'api://a' }), undefined).audience).toBe('api://a');
  });

  it('refuses a subject token over the size limit before anything else reads it', () => {
    expect(refusal(form({ subject_token: 'x'.repeat(MAX_SUBJECT_TOKEN_BYTES + 1) }))).toMatchObject({
      error: 'invalid_request',
      reason: 'EXCHANGE.TOKEN_MALFORMED',
    });
  });

  it.each([
    ['a Bearer header', 'Bearer abc'],
    ['Basic without a colon', `Basic ${Buffer.from('just-an-id').toString('base64')}`],
    ['Basic with an empty secret', `Basic ${Buffer.from('id:').toString('base64')}`],
    ['Basic with broken percent-encoding', `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}`],
  ])('answers %s invalid_client with a Basic challenge', (_what, authorization) => {
    expect(refusal(form({ client_id: undefined, client_secret: undefined }), authorization)).toMatchObject({
      error: 'invalid_client',
      status: 401,
      basic: true,
    });
  });

  it('refuses two ways of client authentication at once, and a body client_id that is not the Basic one', () => {
    expect(refusal(form(), basic('testapi-client', 's3cret'))).toMatchObject({ error: 'invalid_request' });
    expect(refusal(form({ client_secret: undefined, client_id: 'other' }), basic('testapi-client', 's3cret'))).toMatchObject({
      error: 'invalid_request',
    });
  });

  it('never repeats the subject token or the secret in a description', () => {
    const descriptions = [
      refusal(form({ subject_token_type: 'x' })).description,
      refusal(form({ scope: undefined })).description,
      refusal(form({ client_id: undefined, client_secret: undefined }), 'Bearer s3cret').description,
    ];
    for (const description of descriptions) {
      expect(description).not.toContain(SUBJECT);
      expect(description).not.toContain('s3cret');
    }
  });
});
