import { FaceError } from '../face.errors';
import { parseDetectRequest } from './detect.request';

function refusal(body: unknown): { code: string; message: string } | 'accepted' {
  try {
    parseDetectRequest(body);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe(parseDetectRequest.name, () => {
  it('accepts an http or https image URL and ignores other fields, as the vendor does', () => {
    expect(parseDetectRequest({ url: 'https://example.com/a.jpg', returnFaceId: true })).toEqual({ url: 'https://example.com/a.jpg' });
    expect(parseDetectRequest({ url: 'http://10.0.0.1/a.png' })).toEqual({ url: 'http://10.0.0.1/a.png' });
  });

  it.each([null, [], 'https://example.com/a.jpg', 42])('refuses a body that is not a JSON object (%j) with FACE.BODY_INVALID', (body) => {
    expect(refusal(body)).toEqual({ code: 'FACE.BODY_INVALID', message: 'The request body must be a JSON object.' });
  });

  it.each([
    ['missing', {}, "'url' is missing."],
    ['null', { url: null }, "'url' is missing."],
    ['not a string', { url: 42 }, "'url' must be a string."],
    ['relative', { url: '/a.jpg' }, "'url' must be an absolute http or https URL."],
    ['another scheme', { url: 'file:///etc/passwd' }, "'url' must be an absolute http or https URL."],
    ['too long', { url: `https://example.com/${'a'.repeat(2048)}` }, "'url' is longer than 2048 characters."],
  ])('refuses a url that is %s with FACE.IMAGE_URL_INVALID, never echoing it', (_case, body, message) => {
    expect(refusal(body)).toEqual({ code: 'FACE.IMAGE_URL_INVALID', message });
  });
});
