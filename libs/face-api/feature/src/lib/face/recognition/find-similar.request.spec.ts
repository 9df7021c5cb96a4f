import { detectedFaceId } from '../matching/face-id';
import { FaceError } from '../face.errors';
import { parseFindSimilarRequest } from './find-similar.request';

const FACE = detectedFaceId('https://example.com/a.jpg', 0);

function codeOf(body: unknown): string {
  try {
    parseFindSimilarRequest(body);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    return error.code;
  }
}

describe(parseFindSimilarRequest.name, () => {
  it('applies the vendor defaults: 20 candidates, matchPerson', () => {
    expect(parseFindSimilarRequest({ faceId: FACE, faceListId: 'demo-face-list' })).toEqual({
      faceId: FACE,
      candidates: { kind: 'faceList', id: 'demo-face-list' },
      maxCandidates: 20,
      mode: 'matchPerson',
    });
  });

  it('reads each source of candidates and the bounds', () => {
    expect(parseFindSimilarRequest({ faceId: FACE, largeFaceListId: 'l', maxNumOfCandidatesReturned: 1000, mode: 'matchFace' })).toMatchObject({
      candidates: { kind: 'largeFaceList', id: 'l' },
      maxCandidates: 1000,
      mode: 'matchFace',
    });
    const faceIds = Array(1000).fill(FACE.toUpperCase());
    expect(parseFindSimilarRequest({ faceId: FACE, faceIds, faceListId: null }).candidates).toEqual({ kind: 'faceIds', faceIds: Array(1000).fill(FACE) });
  });

  it.each([
    ['not an object', null, 'FACE.BODY_INVALID'],
    ['no faceId', { faceListId: 'l' }, 'FACE.FACE_ID_INVALID'],
    ['a faceId that is not a GUID', { faceId: 'x', faceListId: 'l' }, 'FACE.FACE_ID_INVALID'],
    ['a bad face list id', { faceId: FACE, faceListId: 'L' }, 'FACE.FACE_LIST_ID_INVALID'],
    ['a bad large face list id', { faceId: FACE, largeFaceListId: 'l l' }, 'FACE.LARGE_FACE_LIST_ID_INVALID'],
    ['empty faceIds', { faceId: FACE, faceIds: [] }, 'FACE.FACE_IDS_LENGTH_INVALID'],
    ['1001 faceIds', { faceId: FACE, faceIds: Array(1001).fill(FACE) }, 'FACE.FACE_IDS_LENGTH_INVALID'],
    ['a candidate face id that is not a GUID', { faceId: FACE, faceIds: [FACE, 'x'] }, 'FACE.FACE_ID_INVALID'],
    ['0 candidates', { faceId: FACE, faceListId: 'l', maxNumOfCandidatesReturned: 0 }, 'FACE.MAX_CANDIDATES_INVALID'],
    ['1001 candidates', { faceId: FACE, faceListId: 'l', maxNumOfCandidatesReturned: 1001 }, 'FACE.MAX_CANDIDATES_INVALID'],
    ['an unknown mode', { faceId: FACE, faceListId: 'l', mode: 'matchAll' }, 'FACE.MODE_INVALID'],
    ['a mode in other case', { faceId: FACE, faceListId: 'l', mode: 'matchperson' }, 'FACE.MODE_INVALID'],
    ['two sources', { faceId: FACE, faceListId: 'l', faceIds: [FACE] }, 'FACE.CANDIDATE_SOURCES_SEVERAL'],
    ['three sources', { faceId: FACE, faceListId: 'l', largeFaceListId: 'm', faceIds: [FACE] }, 'FACE.CANDIDATE_SOURCES_SEVERAL'],
    ['no source', { faceId: FACE }, 'FACE.CANDIDATE_SOURCES_MISSING'],
    ['only null sources', { faceId: FACE, faceListId: null, largeFaceListId: null, faceIds: null }, 'FACE.CANDIDATE_SOURCES_MISSING'],
  ])('refuses %s', (_case, body, code) => {
    expect(codeOf(body)).toBe(code);
  });
});
