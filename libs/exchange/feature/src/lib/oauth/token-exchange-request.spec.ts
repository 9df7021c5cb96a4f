import { OAuthError } from './oauth-error';
import {
  ACCESS_TOKEN_TYPE,
  assertFormContentType,
  MAX_CLIENT_ID_LENGTH,
  MAX_SUBJECT_TOKEN_BYTES,
  parseTokenExchangeRequest,
  TOKEN_EXCHANGE_GRANT,
  type FormBody,
} from './token-exchange-request';

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

function refused(read: () => unknown): { error: string; status: number; reason: string; description: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof OAuthError) return { error: error.error, status: error.status, reason: error.reason, description: error.description };
    throw error;
  }
  throw new Error('accepted');
}

const refusal = (body: FormBody, authorization?: string) => refused(() => parseTokenExchangeRequest(body, authorization));

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
    ['an audience and another resource', { audience: 'api://a', resource: 'https://b' }, 'invalid_request'],
    ['an audience and the same resource', { audience: 'api://a', resource: 'api://a' }, 'invalid_request'],
    ['several resources', { resource: ['https://a', 'https://b'] }, 'invalid_target'],
    ['a repeated grant_type', { grant_type: [TOKEN_EXCHANGE_GRANT, TOKEN_EXCHANGE_GRANT] }, 'invalid_request'],
    ['a repeated subject_token', { subject_token: [SUBJECT, SUBJECT] }, 'invalid_request'],
    ['no client at all', { client_id: undefined, client_secret: undefined }, 'invalid_client'],
  ])('refuses %s', (_what, overrides, error) => {
    expect(refusal(form(overrides))).toMatchObject({ error, status: error === 'invalid_client' ? 401 : 400 });
  });

  it('reads the target from resource as from audience, and ignores an empty one', () => {
    expect(parseTokenExchangeRequest(form({ resource: 'api://a' }), undefined).audience).toBe('api://a');
    expect(parseTokenExchangeRequest(form({ audience: '', resource: 'api://a' }), undefined).audience).toBe('api://a');
  });

  it('says which parameters clash when audience and resource come together', () => {
    expect(refusal(form({ audience: 'api://a', resource: 'api://a' }))).toEqual({
      error: 'invalid_request',
      status: 400,
      reason: 'EXCHANGE.REQUEST_INVALID',
      description: 'Send audience or resource, not both.',
    });
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['more characters than any client id has', 'x'.repeat(MAX_CLIENT_ID_LENGTH + 1)],
  ])('answers a client_id with %s invalid_client, in the body or in HTTP Basic', (_what, clientId) => {
    const expected = { error: 'invalid_client', status: 401, reason: 'EXCHANGE.CLIENT_UNKNOWN' };
    expect(refusal(form({ client_id: clientId }))).toMatchObject(expected);
    expect(refusal(form({ client_id: clientId, client_secret: undefined }))).toMatchObject(expected);
    expect(refusal(form({ client_id: undefined, client_secret: undefined }), basic(clientId, 's3cret'))).toMatchObject(expected);
    expect(refusal(form({ client_secret: undefined }), basic(clientId, 's3cret'))).toMatchObject(expected);
  });

  it('takes a client_id of the longest length, and printable non-ASCII ones', () => {
    const longest = 'x'.repeat(MAX_CLIENT_ID_LENGTH);
    expect(parseTokenExchangeRequest(form({ client_id: longest }), undefined).client.clientId).toBe(longest);
    expect(parseTokenExchangeRequest(form({ client_id: undefined, client_secret: undefined }), basic('app-ü', 's')).client.clientId).toBe('app-ü');
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
  ])('answers %s invalid_client (401)', (_what, authorization) => {
    expect(refusal(form({ client_id: undefined, client_secret: undefined }), authorization)).toMatchObject({
      error: 'invalid_client',
      status: 401,
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

describe(assertFormContentType.name, () => {
  it.each([
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'Application/X-WWW-Form-Urlencoded;charset=UTF-8',
    // Fastify refuses a body without a content type before the handler: without one there is no body.
    undefined,
  ])('takes %s', (contentType) => {
    expect(() => assertFormContentType(contentType)).not.toThrow();
  });

  it.each([
    ['JSON', 'application/json'],
    ['JSON with a charset', 'application/json; charset=utf-8'],
    ['text', 'text/plain'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['an empty content type', ''],
  ])('refuses %s with invalid_request 415, saying to send a form', (_what, contentType) => {
    expect(refused(() => assertFormContentType(contentType))).toEqual({
      error: 'invalid_request',
      status: 415,
      reason: 'EXCHANGE.REQUEST_INVALID',
      description: 'Send the request as a form body (content-type application/x-www-form-urlencoded).',
    });
  });
});
