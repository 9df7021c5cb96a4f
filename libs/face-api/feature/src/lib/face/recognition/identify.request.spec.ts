import { detectedFaceId } from '../matching/face-id';
import { FaceError } from '../face.errors';
import { parseIdentifyRequest } from './identify.request';

const FACE = detectedFaceId('https://example.com/a.jpg', 0);

function codeOf(body: unknown): string {
  try {
    parseIdentifyRequest(body);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    return `${error.code}: ${error.message}`;
  }
}

describe(parseIdentifyRequest.name, () => {
  it('applies the vendor defaults: 1 candidate, threshold 0.5', () => {
    expect(parseIdentifyRequest({ faceIds: [FACE.toUpperCase()], personGroupId: 'demo-group' })).toEqual({
      faceIds: [FACE],
      group: { kind: 'personGroup', id: 'demo-group' },
      maxCandidates: 1,
      confidenceThreshold: 0.5,
    });
  });

  it('accepts the bounds, a large person group, nulls as absent, and ignores unknown fields', () => {
    const faceIds = Array.from({ length: 10 }, (_, i) => detectedFaceId('https://example.com/many.jpg', i));
    expect(
      parseIdentifyRequest({ faceIds, personGroupId: null, largePersonGroupId: 'demo_large-1', maxNumOfCandidatesReturned: 100, confidenceThreshold: 0, recognitionModel: 'x' }),
    ).toEqual({ faceIds, group: { kind: 'largePersonGroup', id: 'demo_large-1' }, maxCandidates: 100, confidenceThreshold: 0 });
    expect(parseIdentifyRequest({ faceIds: [FACE], personGroupId: 'g', maxNumOfCandidatesReturned: 1, confidenceThreshold: 1 })).toMatchObject({
      maxCandidates: 1,
      confidenceThreshold: 1,
    });
  });

  it.each([
    ['a body that is not an object', [FACE], 'FACE.BODY_INVALID: The request body must be a JSON object.'],
    ['no faceIds', { personGroupId: 'g' }, "FACE.FACE_IDS_LENGTH_INVALID: 'faceIds' is missing."],
    ['empty faceIds', { faceIds: [], personGroupId: 'g' }, "FACE.FACE_IDS_LENGTH_INVALID: 'faceIds' is empty."],
    ['11 faceIds', { faceIds: Array(11).fill(FACE), personGroupId: 'g' }, "FACE.FACE_IDS_LENGTH_INVALID: 'faceIds' holds more than 10 items."],
    ['faceIds not an array', { faceIds: FACE, personGroupId: 'g' }, "FACE.FACE_IDS_LENGTH_INVALID: 'faceIds' must be an array."],
    ['a face id that is not a GUID', { faceIds: [FACE, 'nope'], personGroupId: 'g' }, "FACE.FACE_ID_INVALID: 'faceIds[1]' must be a GUID."],
    ['a face id that is a number', { faceIds: [7], personGroupId: 'g' }, "FACE.FACE_ID_INVALID: 'faceIds[0]' must be a string."],
    ['an upper-case group id', { faceIds: [FACE], personGroupId: 'Demo' }, "FACE.PERSON_GROUP_ID_INVALID: 'personGroupId' must be 1 to 64 lower-case letters, digits, '-' or '_'."],
    ['a 65-character group id', { faceIds: [FACE], personGroupId: 'g'.repeat(65) }, 'FACE.PERSON_GROUP_ID_INVALID'],
    ['an empty large group id', { faceIds: [FACE], largePersonGroupId: '' }, 'FACE.LARGE_PERSON_GROUP_ID_INVALID'],
    ['both group ids', { faceIds: [FACE], personGroupId: 'g', largePersonGroupId: 'h' }, 'FACE.PERSON_GROUP_IDS_BOTH_SET'],
    ['no group id', { faceIds: [FACE] }, 'FACE.PERSON_GROUP_IDS_BOTH_MISSING'],
    ['null group ids', { faceIds: [FACE], personGroupId: null, largePersonGroupId: null }, 'FACE.PERSON_GROUP_IDS_BOTH_MISSING'],
    ['0 candidates', { faceIds: [FACE], personGroupId: 'g', maxNumOfCandidatesReturned: 0 }, "FACE.MAX_CANDIDATES_INVALID: 'maxNumOfCandidatesReturned' must be at least 1."],
    ['101 candidates', { faceIds: [FACE], personGroupId: 'g', maxNumOfCandidatesReturned: 101 }, "FACE.MAX_CANDIDATES_INVALID: 'maxNumOfCandidatesReturned' must be at most 100."],
    ['1.5 candidates', { faceIds: [FACE], personGroupId: 'g', maxNumOfCandidatesReturned: 1.5 }, "FACE.MAX_CANDIDATES_INVALID: 'maxNumOfCandidatesReturned' must be an integer."],
    ['candidates as a string', { faceIds: [FACE], personGroupId: 'g', maxNumOfCandidatesReturned: '5' }, 'FACE.MAX_CANDIDATES_INVALID'],
    ['a negative threshold', { faceIds: [FACE], personGroupId: 'g', confidenceThreshold: -0.01 }, 'FACE.CONFIDENCE_THRESHOLD_INVALID'],
    ['a threshold above 1', { faceIds: [FACE], personGroupId: 'g', confidenceThreshold: 1.01 }, 'FACE.CONFIDENCE_THRESHOLD_INVALID'],
    ['a threshold as a string', { faceIds: [FACE], personGroupId: 'g', confidenceThreshold: '0.5' }, 'FACE.CONFIDENCE_THRESHOLD_INVALID'],
  ])('refuses %s', (_case, body, expected) => {
    // The code alone, or the code and the whole inner message.
    const answer = codeOf(body);
    expect(expected.includes(':') ? answer : answer.split(':')[0]).toBe(expected);
  });

  it('checks fields before the choice of group, in the vendor field order', () => {
    expect(codeOf({ faceIds: [], personGroupId: 'g', largePersonGroupId: 'h' })).toMatch(/^FACE\.FACE_IDS_LENGTH_INVALID:/);
    expect(codeOf({ faceIds: [FACE], maxNumOfCandidatesReturned: 0 })).toMatch(/^FACE\.MAX_CANDIDATES_INVALID:/);
  });
});
