import { LatchkeyError } from '@latchkey/contracts';
import { parseAdminInput } from '../admin/admin-request.schema';
import { ActivityQuery, AlertStreamQuery, IsvIdParam, RevocationBody } from './console-request.schema';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face';

function refusal(run: () => unknown): { code: string; message: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('RevocationBody', () => {
  it('accepts a client or an ISV with an ADMIN reason code, with or without the alert', () => {
    const client = { kind: 'isv-client', isvId: 'contoso', resourceId: RESOURCE };
    expect(parseAdminInput(RevocationBody, { subject: client, reason: 'ADMIN.ABUSE_CONFIRMED', alertId: 'a-1' }, 'body')).toEqual({
      subject: client,
      reason: 'ADMIN.ABUSE_CONFIRMED',
      alertId: 'a-1',
    });
    expect(parseAdminInput(RevocationBody, { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ADMIN.MANUAL' }, 'body')).toEqual({
      subject: { kind: 'isv', isvId: 'contoso' },
      reason: 'ADMIN.MANUAL',
    });
  });

  it.each([
    ['a jti subject', { subject: { kind: 'jti', jti: 'x' }, reason: 'ADMIN.MANUAL' }],
    ['a client without its resource', { subject: { kind: 'isv-client', isvId: 'contoso' }, reason: 'ADMIN.MANUAL' }],
    [
      'a resource that is not an Azure resource id',
      { subject: { kind: 'isv-client', isvId: 'contoso', resourceId: 'face' }, reason: 'ADMIN.MANUAL' },
    ],
    ['free text as reason', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'they abused it' }],
    ['a reason of another area', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ABUSE.FOREIGN_RESOURCE' }],
    ['an alert id with a space', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ADMIN.MANUAL', alertId: 'a 1' }],
    ['an unknown field', { subject: { kind: 'isv', isvId: 'contoso' }, reason: 'ADMIN.MANUAL', actor: 'someone else' }],
    ['no subject', { reason: 'ADMIN.MANUAL' }],
  ])('refuses a revocation with %s', (_case, body) => {
    expect(refusal(() => parseAdminInput(RevocationBody, body, 'body'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });
});

describe('ActivityQuery', () => {
  it('accepts no minutes, and 1 to 1440 minutes', () => {
    expect(parseAdminInput(ActivityQuery, {}, 'query')).toEqual({});
    expect(parseAdminInput(ActivityQuery, { minutes: '1' }, 'query')).toEqual({ minutes: 1 });
    expect(parseAdminInput(ActivityQuery, { minutes: '1440' }, 'query')).toEqual({ minutes: 1440 });
  });

  it.each([
    ['0 minutes', { minutes: '0' }],
    ['more than a day', { minutes: '1441' }],
    ['a fraction', { minutes: '1.5' }],
    ['a repeated parameter', { minutes: ['5', '6'] }],
    ['an unknown parameter', { from: '2026-01-01' }],
  ])('refuses %s', (_case, query) => {
    expect(refusal(() => parseAdminInput(ActivityQuery, query, 'query'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });
});

describe('IsvIdParam', () => {
  it('accepts an ISV id and refuses one with a control character or a space', () => {
    expect(parseAdminInput(IsvIdParam, 'isv-contoso', 'ISV id')).toBe('isv-contoso');
    expect(refusal(() => parseAdminInput(IsvIdParam, 'isv contoso', 'ISV id'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
    expect(refusal(() => parseAdminInput(IsvIdParam, '', 'ISV id'))).toMatchObject({ code: 'ABUSE.ADMIN_REQUEST_INVALID' });
  });
});

describe('AlertStreamQuery', () => {
  it('takes no parameter, and refuses an unknown one like every admin route', () => {
    expect(parseAdminInput(AlertStreamQuery, {}, 'query')).toEqual({});
    expect(refusal(() => parseAdminInput(AlertStreamQuery, { x: '1' }, 'query'))).toEqual({
      code: 'ABUSE.ADMIN_REQUEST_INVALID',
      message: 'The query has unknown fields.',
    });
  });
});
