import fc from 'fast-check';
import { FaceResourceId, parseFaceResourceId } from './face-resource-id';

const SUB = 'dc4d27d9-ea49-4921-938f-7782a774e151';
const valid = (rg = 'client-rg', name = 'client-face-api') =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/${name}`;

describe(parseFaceResourceId.name, () => {
  it('accepts the vendor documentation example and canonicalises it to lower case', () => {
    expect(parseFaceResourceId(valid())).toEqual({ ok: true, canonical: valid().toLowerCase() });
  });

  it('gives one canonical form to every spelling of the same resource', () => {
    const upper = parseFaceResourceId(
      valid()
        .toUpperCase()
        .replace('/SUBSCRIPTIONS/' + SUB.toUpperCase(), `/SUBSCRIPTIONS/${SUB.toUpperCase()}`),
    );
    expect(upper).toEqual({ ok: true, canonical: valid().toLowerCase() });
  });

  it.each([
    ['a trailing slash', valid() + '/'],
    ['a parent segment', valid('..')],
    ['a double period in the group', valid('rg..x')],
    ['a group ending in a period', valid('rg.')],
    ['an encoded slash', valid('rg%2Fx')],
    ['another provider', valid().replace('Microsoft.CognitiveServices', 'Microsoft.Storage')],
    ['another resource type', valid().replace('/accounts/', '/deployments/')],
    ['a child resource', valid() + '/deployments/x'],
    ['a malformed subscription id', valid().replace(SUB, 'not-a-guid')],
    ['a one-character account name', valid('rg', 'a')],
    ['an account name starting with a hyphen', valid('rg', '-face')],
    ['an account name ending with a hyphen', valid('rg', 'abc-')],
    ['a two-character account name ending with a hyphen', valid('rg', 'a-')],
    ['a 65-character account name', valid('rg', 'a'.repeat(65))],
    ['an empty group name', valid('')],
    ['a group name with a disallowed character', valid('rg!x')],
    ['a 91-character group name', valid('r'.repeat(91))],
    ['whitespace', valid('rg x')],
    ['a missing leading slash', valid().slice(1)],
  ])('rejects %s', (_what, input) => {
    expect(parseFaceResourceId(input).ok).toBe(false);
  });

  it.each([
    ['a two-character account name', valid('rg', 'ab')],
    ['a 64-character account name', valid('rg', 'a' + '-'.repeat(62) + 'z')],
    ['an account name with inner hyphens', valid('rg', 'a-b-c')],
    ['a one-character group name', valid('r')],
    ['a 90-character group name', valid('r'.repeat(90))],
    ['a group name with every allowed punctuation', valid('rg_(x)-y.z')],
  ])('accepts %s', (_what, input) => {
    expect(parseFaceResourceId(input)).toEqual({ ok: true, canonical: input.toLowerCase() });
  });

  it('accepts generated names within Azure rules and keeps them distinct after canonicalisation', () => {
    const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
    const rg = fc.stringMatching(/^[A-Za-z0-9_()-]{1,90}$/);
    const account = fc
      .tuple(fc.constantFrom(...alnum), fc.stringMatching(/^[A-Za-z0-9-]{0,62}$/), fc.constantFrom(...alnum))
      .map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(rg, account, (group, name) => {
        const parsed = parseFaceResourceId(valid(group, name));
        expect(parsed).toEqual({ ok: true, canonical: valid(group, name).toLowerCase() });
      }),
      { numRuns: 500 },
    );
  });
});

describe('FaceResourceId', () => {
  it('outputs the canonical form', () => {
    expect(FaceResourceId.parse(valid())).toBe(valid().toLowerCase());
  });

  it('refuses with the parser’s reason', () => {
    const result = FaceResourceId.safeParse(valid('rg', 'abc-'));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('not a Microsoft.CognitiveServices/accounts resource id');
    expect(FaceResourceId.safeParse(valid('rg.')).error?.issues[0]?.message).toBe('resource group name ends with a period');
  });

  it('refuses an input longer than any resource id before matching it', () => {
    expect(FaceResourceId.safeParse(valid('r'.repeat(90)) + 'x'.repeat(600)).success).toBe(false);
  });
});
