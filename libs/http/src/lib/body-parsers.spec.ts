import { startDemo, type Inspected } from '../../test/demo-app';
import { duplicateJsonKeyMessage, parseForm, registerBodyParsers } from './body-parsers';
import type { ServiceHandle } from './create-service-app';

describe(parseForm.name, () => {
  it('decodes form parameters', () => {
    expect({ ...parseForm('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&scope=a+b') }).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      scope: 'a b',
    });
  });

  it('keeps a repeated parameter visible as an array', () => {
    expect({ ...parseForm('scope=a&scope=b&scope=c') }).toEqual({ scope: ['a', 'b', 'c'] });
  });

  it('treats __proto__ as an ordinary parameter', () => {
    const form = parseForm('__proto__=x&__proto__=y');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(form['__proto__']).toEqual(['x', 'y']);
  });
});

describe(duplicateJsonKeyMessage.name, () => {
  it('names a key that looks like a field name, up to 64 characters', () => {
    expect(duplicateJsonKeyMessage('featureFlags')).toBe('The JSON body repeats the key "featureFlags".');
    expect(duplicateJsonKeyMessage('k'.repeat(64))).toContain(`"${'k'.repeat(64)}"`);
  });

  it.each([
    ['longer than 64 characters', 'k'.repeat(65)],
    ['no character', ''],
    ['a control character', 'a\u0000b'],
    ['a line break', 'a\nb'],
    ['a right-to-left override', 'a\u202eb'],
    ['a look-alike letter', 'fеatureFlags'],
    ['a quote', 'a"b'],
    ['markup', '<script>'],
  ])('does not repeat a key with %s', (_, key) => {
    expect(duplicateJsonKeyMessage(key)).toBe('The JSON body repeats a key in an object.');
  });

  it.each([
    ['an ISV subscription key', `lk_isv_${'A'.repeat(43)}`],
    ['an operator key cut short', 'lk_op_abc'],
    ['a webhook secret', 'whsec_c2VjcmV0'],
    ['the start of a JWT', 'eyJhbGciOiJFZERTQSJ9'],
    ['a key inside a longer name', `x_lk_app_${'B'.repeat(43)}`],
  ])('does not repeat a key shaped like a credential: %s', (_, key) => {
    expect(duplicateJsonKeyMessage(key)).toBe('The JSON body repeats a key in an object.');
  });

  it('still names field names that merely contain the letters of a prefix', () => {
    expect(duplicateJsonKeyMessage('blk_size')).toBe('The JSON body repeats the key "blk_size".');
  });
});

describe(registerBodyParsers.name, () => {
  let handle: ServiceHandle;

  beforeAll(async () => {
    ({ handle } = await startDemo());
  });
  afterAll(() => handle.close());

  const send = (method: 'POST' | 'DELETE', url: string, payload: string, contentType: string) =>
    handle.app.inject({ method, url, payload, headers: { 'content-type': contentType } });
  const FORM = 'application/x-www-form-urlencoded';

  describe('forms', () => {
    it('refuses a form on a route that reads JSON with 415 "Invalid Media Type.", a repeated field included', async () => {
      for (const payload of ['faceIds=a&faceIds=b&personGroupId=g', '']) {
        const response = await send('POST', '/demo/inspect', payload, FORM);
        expect(response.statusCode).toBe(415);
        expect(response.headers['x-ms-error-code']).toBe('BadArgument');
        expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'Invalid Media Type.' } });
      }
      expect((await send('DELETE', '/demo/inspect', 'a=1', `${FORM}; charset=utf-8`)).statusCode).toBe(415);
    });

    it('refuses a form on an OAuth-family route that does not take forms with invalid_request (415)', async () => {
      const response = await send('POST', '/demo/oauth-style', 'scope=a&scope=b', FORM);
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid Media Type.' });
    });

    it('reads a form on a route marked @AcceptsForm, a repeated field as an array, and keeps its bytes', async () => {
      const response = await send('POST', '/demo/form', 'scope=a&scope=b&grant_type=x', FORM);
      expect(response.statusCode).toBe(200);
      expect(response.json<Inspected>()).toEqual({
        kind: 'object',
        body: { scope: ['a', 'b'], grant_type: 'x' },
        raw: 'scope=a&scope=b&grant_type=x',
      });
    });

    it('honours @AcceptsForm on an @All() route, and refuses a form on one without it', async () => {
      for (const method of ['POST', 'DELETE'] as const) {
        expect((await send(method, '/demo/any-form', 'a=1', FORM)).json<Inspected>()).toMatchObject({ kind: 'object', body: { a: '1' } });
        expect((await send(method, '/demo/any', 'a=1', FORM)).statusCode).toBe(415);
      }
    });
  });

  describe('an empty JSON body', () => {
    it('is no body on a route that takes forms, whatever the method', async () => {
      const response = await send('POST', '/demo/form', '', 'application/json');
      expect(response.statusCode).toBe(200);
      expect(response.json<Inspected>().kind).toBe('none');
    });

    it('is no body on a DELETE', async () => {
      expect((await send('DELETE', '/demo/inspect', '', 'application/json')).json<Inspected>().kind).toBe('none');
    });

    it('stays "JSON parsing error." on a POST to a route that reads JSON', async () => {
      const response = await send('POST', '/demo/inspect', '', 'application/json');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'JSON parsing error.' } });
    });

    it('keeps malformed JSON an error on a route that takes forms', async () => {
      expect((await send('POST', '/demo/form', '{', 'application/json')).statusCode).toBe(400);
    });
  });

  describe('plain text', () => {
    it('takes an empty body as no body', async () => {
      for (const method of ['DELETE', 'POST'] as const) {
        const response = await send(method, '/demo/inspect', '', 'text/plain');
        expect(response.statusCode).toBe(200);
        expect(response.json<Inspected>().kind).toBe('none');
      }
    });

    it('passes any other body on as the string, without keeping raw bytes (as Fastify did)', async () => {
      const response = await send('POST', '/demo/inspect', 'héllo', 'text/plain; charset=utf-8');
      expect(response.json<Inspected>()).toEqual({ kind: 'string', body: 'héllo', raw: null });
    });
  });
});
