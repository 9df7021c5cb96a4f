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

    it('refuses a form labelled with a charset other than UTF-8 on a route that takes forms, in each wire family', async () => {
      for (const charset of ['iso-8859-1', '"windows-1252"', 'UTF-16']) {
        const response = await send('POST', '/demo/form', 'name=caf%E9', `${FORM}; charset=${charset}`);
        expect(response.statusCode).toBe(415);
        expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'Invalid Media Type.' } });
      }
      const oauth = await handle.app.inject({
        method: 'POST',
        url: '/token',
        payload: 'scope=a',
        headers: { 'content-type': `${FORM}; charset=latin1` },
      });
      expect(oauth.statusCode).toBe(415);
      expect(oauth.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid Media Type.' });
    });

    it('reads a form labelled UTF-8, in any case, quoted or not', async () => {
      for (const charset of ['utf-8', 'UTF-8', '"utf-8"']) {
        const response = await send('POST', '/demo/form', 'name=caf%C3%A9', `${FORM}; charset=${charset}`);
        expect(response.json<Inspected>()).toMatchObject({ kind: 'object', body: { name: 'café' } });
      }
    });

    it('honours @AcceptsForm on an @All() route, and refuses a form on one without it', async () => {
      for (const method of ['POST', 'DELETE'] as const) {
        expect((await send(method, '/demo/any-form', 'a=1', FORM)).json<Inspected>()).toMatchObject({ kind: 'object', body: { a: '1' } });
        expect((await send(method, '/demo/any', 'a=1', FORM)).statusCode).toBe(415);
      }
    });
  });

  describe('the charset of a JSON body', () => {
    const utf16 = Buffer.from('\uFEFF{"a":1}', 'utf16le');

    it("refuses any charset other than UTF-8 with the platform's 415, in each wire family, before reading the bytes", async () => {
      for (const charset of ['utf-16', 'UTF-16LE', '"utf-16"', 'iso-8859-1', 'us-ascii']) {
        const response = await handle.app.inject({
          method: 'POST',
          url: '/demo/inspect',
          payload: charset === 'utf-16' ? utf16 : '{"a":1}',
          headers: { 'content-type': `application/json; charset=${charset}` },
        });
        expect(response.statusCode).toBe(415);
        expect(response.headers['x-ms-error-code']).toBe('BadArgument');
        expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'Invalid Media Type.' } });
      }
      const oauth = await send('POST', '/demo/oauth-style', '{"a":1}', 'application/json; charset=utf-16');
      expect(oauth.statusCode).toBe(415);
      expect(oauth.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid Media Type.' });
      // Even empty: the label is refused, not the bytes.
      expect((await send('DELETE', '/demo/inspect', '', 'application/json; charset=utf-16')).statusCode).toBe(415);
    });

    it('reads a body labelled UTF-8, in any case, quoted or not, as one without a charset', async () => {
      for (const contentType of [
        'application/json',
        'application/json; charset=utf-8',
        'application/json;charset=UTF-8',
        'application/json; charset="utf-8"',
      ]) {
        const response = await send('POST', '/demo/inspect', '{"name":"café"}', contentType);
        expect(response.statusCode).toBe(200);
        expect(response.json<Inspected>()).toEqual({ kind: 'object', body: { name: 'café' }, raw: '{"name":"café"}' });
      }
    });

    it('ignores a UTF-8 byte order mark, and keeps it in the raw bytes', async () => {
      const response = await send('POST', '/demo/inspect', '\uFEFF{"a":1}', 'application/json');
      expect(response.statusCode).toBe(200);
      expect(response.json<Inspected>()).toEqual({ kind: 'object', body: { a: 1 }, raw: '\uFEFF{"a":1}' });
    });

    it('still refuses a repeated key behind a byte order mark, and a mark alone as malformed JSON', async () => {
      expect((await send('POST', '/demo/inspect', '\uFEFF{"a":1,"a":2}', 'application/json')).json()).toEqual({
        error: { code: 'BadArgument', message: 'The JSON body repeats the key "a".' },
      });
      expect((await send('POST', '/demo/inspect', '\uFEFF', 'application/json')).json()).toEqual({
        error: { code: 'BadArgument', message: 'JSON parsing error.' },
      });
    });

    it('answers UTF-16 bytes without a label "JSON parsing error."', async () => {
      const response = await handle.app.inject({
        method: 'POST',
        url: '/demo/inspect',
        payload: utf16,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
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

    it('passes any other body on as the string, and keeps its exact bytes (the gateway forwards them)', async () => {
      const response = await send('POST', '/demo/inspect', 'héllo', 'text/plain; charset=utf-8');
      expect(response.json<Inspected>()).toEqual({ kind: 'string', body: 'héllo', raw: 'héllo' });
    });

    it('keeps bytes that are not UTF-8 as they came, whatever the string reads', async () => {
      const latin1 = Buffer.from('café', 'latin1');
      const response = await handle.app.inject({
        method: 'POST',
        url: '/demo/raw-base64',
        payload: latin1,
        headers: { 'content-type': 'text/plain; charset=iso-8859-1' },
      });
      expect(response.body).toBe(latin1.toString('base64'));
    });
  });
});
