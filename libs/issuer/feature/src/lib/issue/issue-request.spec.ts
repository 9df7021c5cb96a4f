import fc from 'fast-check';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { parseIssueRequest } from './issue-request';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/client-rg/providers/Microsoft.CognitiveServices/accounts/client-face-api';

describe(parseIssueRequest.name, () => {
  it('accepts the current field name and canonicalises the resource id', () => {
    expect(parseIssueRequest({ targetAzureResourceId: RESOURCE, featureFlags: ['Face.Identification', 'Face.Verification'] })).toEqual({
      ok: true,
      body: { resourceId: RESOURCE.toLowerCase(), features: ['Face.Identification', 'Face.Verification'] },
    });
  });

  it('accepts the 2023 field name resourceId for the same value', () => {
    const parsed = parseIssueRequest({ resourceId: RESOURCE, featureFlags: ['Face.Identification'] });
    expect(parsed.ok && parsed.body.resourceId).toBe(RESOURCE.toLowerCase());
  });

  it('deduplicates flags into the canonical order', () => {
    const parsed = parseIssueRequest({ resourceId: RESOURCE, featureFlags: ['LimitedAccess.HighRisk', 'Face.Identification', 'LimitedAccess.HighRisk'] });
    expect(parsed.ok && parsed.body.features).toEqual(['Face.Identification', 'LimitedAccess.HighRisk']);
  });

  it.each([
    ['both field names', { targetAzureResourceId: RESOURCE, resourceId: RESOURCE, featureFlags: ['Face.Identification'] }],
    ['neither field name', { featureFlags: ['Face.Identification'] }],
    ['an unknown field', { resourceId: RESOURCE, featureFlags: ['Face.Identification'], lifetime: 99999 }],
    ['an empty flag list', { resourceId: RESOURCE, featureFlags: [] }],
    ['flags that are not an array', { resourceId: RESOURCE, featureFlags: 'Face.Identification' }],
    ['a non-string flag', { resourceId: RESOURCE, featureFlags: [1] }],
    ['a non-string resource id', { resourceId: 42, featureFlags: ['Face.Identification'] }],
    ['an array body', [RESOURCE]],
    ['a null body', null],
  ])('refuses %s as BODY_INVALID', (_what, body) => {
    expect(parseIssueRequest(body)).toMatchObject({ ok: false, code: 'ISSUER.BODY_INVALID' });
  });

  it('refuses flags in another case or unknown flags as FEATURE_UNKNOWN, naming them', () => {
    expect(parseIssueRequest({ resourceId: RESOURCE, featureFlags: ['face.identification', 'Face.Identification'] })).toMatchObject({
      ok: false,
      code: 'ISSUER.FEATURE_UNKNOWN',
      unknown: ['face.identification'],
    });
  });

  it('refuses a malformed resource id as RESOURCE_ID_INVALID', () => {
    expect(parseIssueRequest({ resourceId: RESOURCE + '/', featureFlags: ['Face.Identification'] })).toMatchObject({
      ok: false,
      code: 'ISSUER.RESOURCE_ID_INVALID',
    });
  });

  it('never yields a flag outside the documented three, whatever the body', () => {
    const anyFlag = fc.oneof(fc.constantFrom(...FEATURE_FLAGS), fc.string());
    fc.assert(
      fc.property(fc.record({ resourceId: fc.constant(RESOURCE), featureFlags: fc.array(anyFlag, { maxLength: 6 }) }), (body) => {
        const parsed = parseIssueRequest(body);
        if (parsed.ok) {
          expect(parsed.body.features.every((f) => (FEATURE_FLAGS as readonly string[]).includes(f))).toBe(true);
          expect(new Set(parsed.body.features)).toEqual(new Set(body.featureFlags));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
