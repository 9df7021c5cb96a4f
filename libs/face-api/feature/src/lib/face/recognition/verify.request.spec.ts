import { detectedFaceId } from '../matching/face-id';
import { FaceError } from '../face.errors';
import { parseVerifyRequest } from './verify.request';

const FACE_1 = detectedFaceId('https://example.com/a.jpg', 0);
const FACE_2 = detectedFaceId('https://example.com/b.jpg', 0);
const PERSON = '57D27948-571A-4C45-BA7D-4937D182E825';

function codeOf(body: unknown): string {
  try {
    parseVerifyRequest(body);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    return error.code;
  }
}

describe(parseVerifyRequest.name, () => {
  it('reads the face-to-face form, ids lower-cased', () => {
    expect(parseVerifyRequest({ faceId1: FACE_1.toUpperCase(), faceId2: FACE_2 })).toEqual({ kind: 'faces', faceId1: FACE_1, faceId2: FACE_2 });
  });

  it('reads the face-to-person form with either kind of group', () => {
    expect(parseVerifyRequest({ faceId: FACE_1, personId: PERSON, personGroupId: 'demo-group' })).toEqual({
      kind: 'person',
      faceId: FACE_1,
      personId: PERSON.toLowerCase(),
      group: { kind: 'personGroup', id: 'demo-group' },
    });
    expect(parseVerifyRequest({ faceId: FACE_1, personId: PERSON, largePersonGroupId: 'demo-large-group', faceId1: null })).toMatchObject({
      group: { kind: 'largePersonGroup', id: 'demo-large-group' },
    });
  });

  it.each([
    ['not an object', 'x', 'FACE.BODY_INVALID'],
    ['an array', [FACE_1, FACE_2], 'FACE.BODY_INVALID'],
    ['neither form', {}, 'FACE.BODY_INVALID'],
    ['both forms', { faceId1: FACE_1, faceId2: FACE_2, faceId: FACE_1, personId: PERSON, personGroupId: 'g' }, 'FACE.BODY_INVALID'],
    ['faceId2 missing', { faceId1: FACE_1 }, 'FACE.FACE_ID_INVALID'],
    ['faceId1 not a GUID', { faceId1: 'x', faceId2: FACE_2 }, 'FACE.FACE_ID_INVALID'],
    ['faceId missing', { personId: PERSON, personGroupId: 'g' }, 'FACE.FACE_ID_INVALID'],
    ['personId missing', { faceId: FACE_1, personGroupId: 'g' }, 'FACE.PERSON_ID_INVALID'],
    ['personId not a GUID', { faceId: FACE_1, personId: 'alice', personGroupId: 'g' }, 'FACE.PERSON_ID_INVALID'],
    ['a bad group id', { faceId: FACE_1, personId: PERSON, personGroupId: 'G!' }, 'FACE.PERSON_GROUP_ID_INVALID'],
    ['a bad large group id', { faceId: FACE_1, personId: PERSON, largePersonGroupId: 'G!' }, 'FACE.LARGE_PERSON_GROUP_ID_INVALID'],
    ['both group ids', { faceId: FACE_1, personId: PERSON, personGroupId: 'g', largePersonGroupId: 'h' }, 'FACE.PERSON_GROUP_IDS_BOTH_SET'],
    ['no group id', { faceId: FACE_1, personId: PERSON }, 'FACE.PERSON_GROUP_IDS_BOTH_MISSING'],
  ])('refuses %s', (_case, body, code) => {
    expect(codeOf(body)).toBe(code);
  });
});
