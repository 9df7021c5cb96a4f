import { AzureResourceId, canonicalResourceId } from './azure-resource-id';

const VALID =
  '/subscriptions/0b1c2d3e-0000-4000-8000-000000000001/resourceGroups/rg-face/providers/Microsoft.CognitiveServices/accounts/face-one';

describe('AzureResourceId', () => {
  it.each([
    ['a Cognitive Services account', VALID],
    ['the same id in upper case', VALID.toUpperCase()],
    ['a child resource', `${VALID}/deployments/d1`],
  ])('accepts %s', (_what, id) => {
    expect(AzureResourceId.safeParse(id).success).toBe(true);
  });

  it.each([
    ['a bare name', 'face-one'],
    ['a subscription that is not a GUID', VALID.replace('0b1c2d3e-0000-4000-8000-000000000001', 'sub')],
    ['no provider', '/subscriptions/0b1c2d3e-0000-4000-8000-000000000001/resourceGroups/rg-face'],
    ['a type without a name', `${VALID}/deployments`],
    ['whitespace in a name', VALID.replace('face-one', 'face one')],
    ['an id over the length limit', `${VALID}/${'x/y'.repeat(200)}`],
  ])('rejects %s', (_what, id) => {
    expect(AzureResourceId.safeParse(id).success).toBe(false);
  });
});

describe(canonicalResourceId.name, () => {
  it('spells differently-cased ids of one resource the same', () => {
    expect(canonicalResourceId(VALID.toUpperCase())).toBe(canonicalResourceId(VALID));
    expect(canonicalResourceId(VALID)).toBe(VALID.toLowerCase());
  });
});
