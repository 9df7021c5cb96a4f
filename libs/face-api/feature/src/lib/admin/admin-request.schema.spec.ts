import { FaceAdminError } from './face-admin.errors';
import { ClientResourceId, CreateClientResourceBody, NoBody, parseAdminInput } from './admin-request.schema';

const RESOURCE =
  '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Face-One';

function refusal(act: () => unknown): string {
  try {
    act();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceAdminError)) throw error;
    return `${error.code}: ${error.message}`;
  }
}

describe(parseAdminInput.name, () => {
  it('accepts a Face resource id in any case, canonical (lower-case), and a display name, trimmed', () => {
    expect(parseAdminInput(CreateClientResourceBody, { resourceId: RESOURCE, displayName: ' Door maker ' }, 'body')).toEqual({
      resourceId: RESOURCE.toLowerCase(),
      displayName: 'Door maker',
    });
    expect(parseAdminInput(ClientResourceId, RESOURCE.toLowerCase(), 'resource id')).toBe(RESOURCE.toLowerCase());
  });

  it.each([
    ['an unknown field', { resourceId: RESOURCE, displayName: 'x', key: 'mine' }, 'FACE.ADMIN_REQUEST_INVALID: The body has unknown fields.'],
    ['no display name', { resourceId: RESOURCE }, 'FACE.ADMIN_REQUEST_INVALID: The body field displayName is invalid'],
    ['a blank display name', { resourceId: RESOURCE, displayName: '  ' }, 'FACE.ADMIN_REQUEST_INVALID: The body field displayName is invalid'],
    [
      'a display name with a newline',
      { resourceId: RESOURCE, displayName: 'a\nb' },
      'FACE.ADMIN_REQUEST_INVALID: The body field displayName is invalid',
    ],
    ['a display name of 201 characters', { resourceId: RESOURCE, displayName: 'n'.repeat(201) }, 'FACE.ADMIN_REQUEST_INVALID'],
    ['not a resource id', { resourceId: 'face-one', displayName: 'x' }, 'FACE.ADMIN_REQUEST_INVALID: The body field resourceId is invalid'],
    [
      'another provider',
      { resourceId: RESOURCE.replace('Microsoft.CognitiveServices/accounts', 'Microsoft.Storage/storageAccounts'), displayName: 'x' },
      'FACE.ADMIN_REQUEST_INVALID',
    ],
    ['a child resource', { resourceId: `${RESOURCE}/deployments/d`, displayName: 'x' }, 'FACE.ADMIN_REQUEST_INVALID'],
    ['a trailing slash', { resourceId: `${RESOURCE}/`, displayName: 'x' }, 'FACE.ADMIN_REQUEST_INVALID'],
    // The issuer's rule: an account name ends with a letter or digit, so no token could ever name this resource.
    ['an account name ending with a hyphen', { resourceId: `${RESOURCE}-`, displayName: 'x' }, 'FACE.ADMIN_REQUEST_INVALID'],
    [
      'a resource group ending with a period',
      { resourceId: RESOURCE.replace('Client-RG', 'Client-RG.'), displayName: 'x' },
      'FACE.ADMIN_REQUEST_INVALID',
    ],
    ['an array', [RESOURCE], 'FACE.ADMIN_REQUEST_INVALID'],
  ])('refuses %s, never echoing the value', (_case, body, expected) => {
    const answer = refusal(() => parseAdminInput(CreateClientResourceBody, body, 'body'));
    expect(answer.startsWith(expected)).toBe(true);
    expect(answer).not.toContain('Face-One');
  });

  it('takes no body, or an empty object, where the path says everything', () => {
    expect(parseAdminInput(NoBody, undefined, 'body')).toBeUndefined();
    expect(parseAdminInput(NoBody, {}, 'body')).toEqual({});
    expect(refusal(() => parseAdminInput(NoBody, { rotate: true }, 'body'))).toBe('FACE.ADMIN_REQUEST_INVALID: The body has unknown fields.');
  });
});
