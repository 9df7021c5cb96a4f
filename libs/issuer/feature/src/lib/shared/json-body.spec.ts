import { LatchkeyError } from '@latchkey/contracts';
import { assertJsonBody } from './json-body';

function refusal(contentType: string | undefined): string {
  try {
    assertJsonBody(contentType);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return error.code;
  }
}

describe(assertJsonBody.name, () => {
  it.each([
    ['JSON', 'application/json'],
    ['JSON with a charset', 'application/json; charset=utf-8'],
    ['JSON in another case', 'Application/JSON'],
    ['no content type (no body)', undefined],
  ])('accepts %s', (_what, contentType) => {
    expect(refusal(contentType)).toBe('accepted');
  });

  it.each([
    ['a form, whose repeated parameter would pass for an array', 'application/x-www-form-urlencoded'],
    ['plain text', 'text/plain'],
    ['a JSON-like type the platform does not parse as JSON', 'application/merge-patch+json'],
    ['an empty content type', ''],
  ])('refuses %s with 415', (_what, contentType) => {
    expect(refusal(contentType)).toBe('HTTP.UNSUPPORTED_MEDIA_TYPE');
  });
});
