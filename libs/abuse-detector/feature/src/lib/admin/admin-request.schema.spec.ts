import { LatchkeyError } from '@latchkey/contracts';
import { AcknowledgeBody, ListAlertsQuery, looksLikeCredential, parseAdminInput, ReinstatementBody } from './admin-request.schema';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face';

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

describe(parseAdminInput.name, () => {
  it('accepts a status and a limit, and nothing at all', () => {
    expect(parseAdminInput(ListAlertsQuery, { status: 'open', limit: '20' }, 'query')).toEqual({ status: 'open', limit: 20 });
    expect(parseAdminInput(ListAlertsQuery, {}, 'query')).toEqual({});
  });

  it('accepts severity, rule and ISV filters', () => {
    expect(parseAdminInput(ListAlertsQuery, { severity: 'critical', rule: 'foreign-resource', isvId: 'contoso' }, 'query')).toEqual({
      severity: 'critical',
      rule: 'foreign-resource',
      isvId: 'contoso',
    });
  });

  it.each([
    ['an unknown parameter', { state: 'open' }],
    ['an unknown status', { status: 'closed' }],
    ['a repeated parameter', { status: ['open', 'resolved'] }],
    ['a limit of 0', { limit: '0' }],
    ['a limit above 500', { limit: '501' }],
    ['a limit that is not a number', { limit: '1e3' }],
    ['an unknown severity', { severity: 'urgent' }],
    ['a rule with a space', { rule: 'foreign resource' }],
    ['an empty ISV', { isvId: '' }],
    ['a repeated ISV', { isvId: ['a', 'b'] }],
  ])('refuses a list query with %s', (_case, query) => {
    expect(refusal(() => parseAdminInput(ListAlertsQuery, query, 'query'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });

  it.each([
    ['no reason', {}],
    ['an empty reason', { reason: '  ' }],
    ['an unknown field', { reason: 'ok', extra: 1 }],
    ['a reason too long', { reason: 'x'.repeat(501) }],
    ['a pasted JWT', { reason: 'see eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' }],
    ['a pasted platform key', { reason: 'key lk_cli_abcdefghijklmnop' }],
    ['a control character', { reason: 'a\u0000b' }],
  ])('refuses an acknowledgement with %s', (_case, body) => {
    expect(refusal(() => parseAdminInput(AcknowledgeBody, body, 'body'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });

  it('never echoes the refused value', () => {
    const secret = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
    const result = refusal(() => parseAdminInput(AcknowledgeBody, { reason: secret }, 'body'));
    expect(result).not.toBe('accepted');
    expect(JSON.stringify(result)).not.toContain('eyJ');
  });

  it('accepts a reinstatement of an ISV or of an ISV client with an ADMIN reason code', () => {
    expect(parseAdminInput(ReinstatementBody, { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ADMIN.FALSE_POSITIVE' }, 'body')).toEqual({
      subject: { kind: 'isv', isvId: 'contoso' },
      reason: 'ADMIN.FALSE_POSITIVE',
    });
    expect(
      parseAdminInput(
        ReinstatementBody,
        { subject: { kind: 'isv-client', isvId: 'contoso', resourceId: RESOURCE }, reason: 'ADMIN.RESOLVED' },
        'body',
      ).subject,
    ).toEqual({ kind: 'isv-client', isvId: 'contoso', resourceId: RESOURCE });
  });

  it.each([
    ['a jti subject', { subject: { kind: 'jti', jti: 'x' }, reason: 'ADMIN.RESOLVED' }],
    ['a client without its resource', { subject: { kind: 'isv-client', isvId: 'contoso' }, reason: 'ADMIN.RESOLVED' }],
    ['a subject with an extra field', { subject: { kind: 'isv', isvId: 'contoso', resourceId: RESOURCE }, reason: 'ADMIN.RESOLVED' }],
    ['free text as reason', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'it was fine' }],
    ['a reason of another area', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ABUSE.FOREIGN_RESOURCE' }],
    ['no reason', { subject: { kind: 'isv', isvId: 'contoso' } }],
  ])('refuses a reinstatement with %s', (_case, body) => {
    expect(refusal(() => parseAdminInput(ReinstatementBody, body, 'body'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });
});

describe(looksLikeCredential.name, () => {
  it.each([
    ['a webhook signing secret (the platform’s own)', 'whsec_uZrV5EBljW0bAHCyevfG5X9nMwkWk5hCIn5APWaih9M='],
    ['a platform key glued to a word', 'see x_lk_op_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a platform key in upper case', 'LK_ISV_abc'],
    ['half a token', 'eyJhbGciOi.eyJzdWIi'],
    ['a token copied from a URL, dots encoded', 'eyJhbGciOiJFUzI1NiJ9%2EeyJzdWIiOiJ4In0%2Eabc'],
    ['a bearer header', 'Authorization: Bearer abcdefghijklmnopqrstu'],
  ])('catches %s', (_what, text) => {
    expect(looksLikeCredential(text)).toBe(true);
    expect(refusal(() => parseAdminInput(AcknowledgeBody, { reason: text }, 'body'))).toMatchObject({
      message: expect.stringContaining('credential'),
    });
  });

  it.each(['false positive: the client rotated its key', 'see the whsec_ rotation runbook', 'token jti 2b1c… expired'])(
    'lets a plain note through: %s',
    (text) => {
      expect(looksLikeCredential(text)).toBe(false);
    },
  );
});
