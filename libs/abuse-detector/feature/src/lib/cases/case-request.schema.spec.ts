import { LatchkeyError } from '@latchkey/contracts';
import {
  CloseCaseBody,
  IsvAnswerBody,
  IsvIdParam,
  IsvListCasesQuery,
  ListCasesQuery,
  MAX_CASE_LIMIT,
  parseCaseInput,
  WebhookBody,
  webhookBody,
} from './case-request.schema';

/** The refusal's code and message, or 'accepted'. */
function refusal(run: () => unknown): { code: string; message: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return { code: error.code, message: error.message };
  }
}

const refused = { code: 'ABUSE.CASE_REQUEST_INVALID' };

describe('case request schemas', () => {
  describe('WebhookBody', () => {
    it.each(['https://isv.example/hooks/latchkey', 'https://isv.example:8443/hooks?tenant=a', 'https://93.184.216.34/hooks'])('accepts %s', (url) => {
      expect(parseCaseInput(WebhookBody, { url }, 'body')).toEqual({ url });
    });

    it.each([
      ['plain http to loopback, any port', 'http://127.0.0.1:6379/any/path'],
      ['https to loopback', 'https://127.0.0.1/hooks'],
      ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data'],
      ['the metadata service spelled as an integer', 'https://2852039166/latest/meta-data'],
      ['a private address', 'https://10.0.0.12/hooks'],
      ['IPv6 loopback', 'http://[::1]:3000/hooks'],
      ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
      ['localhost', 'http://localhost/hooks'],
    ])('refuses %s (the production policy: LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS false)', (_case, url) => {
      expect(refusal(() => parseCaseInput(WebhookBody, { url }, 'body'))).toEqual({
        code: 'ABUSE.CASE_REQUEST_INVALID',
        message: 'The body field url is invalid (must not name a loopback, private, link-local or other non-public host).',
      });
    });

    it.each(['http://127.0.0.1:8080/hooks', 'http://localhost/hooks', 'http://[::1]:3000/hooks', 'https://169.254.169.254/'])(
      'accepts %s when the deployment allows private networks (development)',
      (url) => {
        expect(parseCaseInput(webhookBody({ allowPrivateNetworks: true }), { url }, 'body')).toEqual({ url });
      },
    );

    it.each([
      ['plain http to another host', 'http://isv.example/hooks'],
      ['plain http to a host named like localhost', 'http://localhost.isv.example/hooks'],
      ['plain http to a loopback-looking subdomain', 'http://127.0.0.1.isv.example/hooks'],
      ['another scheme', 'ftp://isv.example/hooks'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a user and password', 'https://user:pass@isv.example/hooks'],
      ['a user', 'https://token@isv.example/hooks'],
      ['a fragment', 'https://isv.example/hooks#frag'],
      ['an empty fragment', 'https://isv.example/hooks#'],
      ['a relative path', '/hooks'],
      ['words', 'not a url'],
      ['an empty string', ''],
      ['more than 2048 characters', `https://isv.example/${'a'.repeat(2030)}`],
    ])('refuses %s', (_case, url) => {
      expect(refusal(() => parseCaseInput(WebhookBody, { url }, 'body'))).toMatchObject(refused);
    });

    it.each([
      ['an upper-case scheme and host', 'HTTPS://ISV.EXAMPLE/Hooks', 'https://isv.example/Hooks'],
      ['a scheme without slashes', 'https:isv.example/hook', 'https://isv.example/hook'],
      ['the default port', 'https://isv.example:443/hook', 'https://isv.example/hook'],
    ])('stores %s as the parser reads it', (_case, url, stored) => {
      expect(parseCaseInput(WebhookBody, { url }, 'body')).toEqual({ url: stored });
    });

    it('accepts exactly 2048 characters', () => {
      const url = `https://isv.example/${'a'.repeat(2048 - 'https://isv.example/'.length)}`;
      expect(url).toHaveLength(2048);

      expect(parseCaseInput(WebhookBody, { url }, 'body')).toEqual({ url });
    });

    it.each([
      ['without the slashes', 'https:user:pass@isv.example/hooks'],
      ['with one slash', 'https:/user@isv.example/hooks'],
      ['with backslashes', 'https:\\\\user:pw@isv.example/hooks'],
    ])('refuses credentials spelled %s (the URL parser still finds a user in it)', (_case, url) => {
      expect(new URL(url).username).not.toBe('');

      expect(refusal(() => parseCaseInput(WebhookBody, { url }, 'body'))).toMatchObject(refused);
    });

    it.each([
      ['no url', {}],
      ['a number', { url: 42 }],
      ['two urls', { url: ['https://a.example/', 'https://b.example/'] }],
      ['an unknown field', { url: 'https://isv.example/hooks', secret: 'mine' }],
    ])('refuses a body with %s', (_case, body) => {
      expect(refusal(() => parseCaseInput(WebhookBody, body, 'body'))).toMatchObject(refused);
    });

    it('names the field but never echoes a refused URL', () => {
      const result = refusal(() => parseCaseInput(WebhookBody, { url: 'https://user:SECRETPASS@isv.example/' }, 'body'));

      expect(result).toEqual({ code: 'ABUSE.CASE_REQUEST_INVALID', message: 'The body field url is invalid (must not carry credentials).' });
      expect(JSON.stringify(result)).not.toContain('SECRETPASS');
    });
  });

  describe('IsvIdParam', () => {
    it.each(['contoso', 'isv-contoso-42', '4th-coffee', `a${'b'.repeat(62)}`])('accepts %s', (id) => {
      expect(parseCaseInput(IsvIdParam, id, 'ISV id')).toBe(id);
    });

    it.each([
      ['upper case', 'NO-SUCH-ISV'],
      ['one capital', 'Contoso'],
      ['a leading hyphen', '-contoso'],
      ['one character', 'a'],
      ['64 characters', `a${'b'.repeat(63)}`],
      ['a space', 'isv contoso'],
      ['an underscore', 'isv_contoso'],
      ['a dot', 'isv.contoso'],
      ['an empty string', ''],
    ])('refuses %s', (_case, id) => {
      expect(refusal(() => parseCaseInput(IsvIdParam, id, 'ISV id'))).toMatchObject(refused);
    });
  });

  describe('IsvAnswerBody', () => {
    it('accepts a note, trimmed', () => {
      expect(parseCaseInput(IsvAnswerBody, { note: '  client key rotated, customer warned  ' }, 'body')).toEqual({
        note: 'client key rotated, customer warned',
      });
    });

    it.each([
      ['no note', {}],
      ['an empty note', { note: '' }],
      ['a blank note', { note: '   ' }],
      ['a note too long', { note: 'x'.repeat(501) }],
      ['a control character', { note: 'done\u0007' }],
      ['a newline', { note: 'line one\nline two' }],
      ['a NUL', { note: 'a\u0000b' }],
      ['a pasted JWT', { note: 'token was eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' }],
      ['a JWT without signature part', { note: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.' }],
      ['a Bearer credential', { note: 'we used Bearer abcdefghijklmnopqrstuvwxyz' }],
      ['a lower-case bearer credential', { note: 'bearer 0123456789abcdef0123' }],
      ['a platform key', { note: 'leaked lk_isv_abcdef' }],
      ['an unknown field', { note: 'ok', reason: 'x' }],
      ['a note that is not a string', { note: 5 }],
    ])('refuses %s', (_case, body) => {
      expect(refusal(() => parseCaseInput(IsvAnswerBody, body, 'body'))).toMatchObject(refused);
    });

    it('accepts the word bearer when no credential follows', () => {
      expect(parseCaseInput(IsvAnswerBody, { note: 'the bearer of this token was our customer' }, 'body')).toEqual({
        note: 'the bearer of this token was our customer',
      });
    });

    it('says why without echoing the credential', () => {
      const result = refusal(() => parseCaseInput(IsvAnswerBody, { note: 'Bearer abcdefghijklmnopqrstuvwxyz' }, 'body'));

      expect(result).toEqual({ code: 'ABUSE.CASE_REQUEST_INVALID', message: 'The body field note is invalid (looks like a credential).' });
    });
  });

  describe('CloseCaseBody', () => {
    it('takes a reason, and nothing else', () => {
      expect(parseCaseInput(CloseCaseBody, { reason: 'false positive' }, 'body')).toEqual({ reason: 'false positive' });
      expect(refusal(() => parseCaseInput(CloseCaseBody, { note: 'false positive' }, 'body'))).toMatchObject(refused);
    });
  });

  describe('ListCasesQuery', () => {
    it('accepts status, ISV and limit, and nothing at all', () => {
      expect(parseCaseInput(ListCasesQuery, { status: 'client-blocked', isvId: 'contoso', limit: '500' }, 'query')).toEqual({
        status: 'client-blocked',
        isvId: 'contoso',
        limit: MAX_CASE_LIMIT,
      });
      expect(parseCaseInput(ListCasesQuery, { limit: '1' }, 'query')).toEqual({ limit: 1 });
      expect(parseCaseInput(ListCasesQuery, {}, 'query')).toEqual({});
    });

    it.each([
      ['an unknown status', { status: 'resolved' }],
      ['a status in another case', { status: 'Open' }],
      ['a repeated status', { status: ['open', 'closed'] }],
      ['a repeated ISV', { isvId: ['a', 'b'] }],
      ['a repeated limit', { limit: ['1', '2'] }],
      ['a limit of 0', { limit: '0' }],
      ['a limit of 501', { limit: '501' }],
      ['a negative limit', { limit: '-1' }],
      ['a limit with a leading zero', { limit: '010' }],
      ['a limit that is not a number', { limit: 'ten' }],
      ['an ISV with a space', { isvId: 'a b' }],
      ['an unknown parameter', { state: 'open' }],
    ])('refuses %s', (_case, query) => {
      expect(refusal(() => parseCaseInput(ListCasesQuery, query, 'query'))).toMatchObject(refused);
    });

    it('lists the statuses when refusing an unknown one', () => {
      expect(refusal(() => parseCaseInput(ListCasesQuery, { status: 'resolved' }, 'query'))).toEqual({
        code: 'ABUSE.CASE_REQUEST_INVALID',
        message: 'The query field status must be one of: open, acknowledged, client-blocked, escalated, closed.',
      });
    });
  });

  describe('IsvListCasesQuery', () => {
    it('takes status and limit, but not an ISV (the path names it)', () => {
      expect(parseCaseInput(IsvListCasesQuery, { status: 'open', limit: '20' }, 'query')).toEqual({ status: 'open', limit: 20 });
      expect(refusal(() => parseCaseInput(IsvListCasesQuery, { isvId: 'other' }, 'query'))).toMatchObject(refused);
    });
  });
});
