import { randomUUID } from 'node:crypto';
import { FaceError } from '../face.errors';
import type { IdentifyRequest } from '../recognition/identify.request';
import { DemoGallery } from './demo-gallery';
import { detectedFaceId } from './face-id';
import { FaceMatcher } from './face-matcher';
import { identityOf, similarity } from './similarity';

const gallery = new DemoGallery();
const demoGroup = gallery.persons('personGroup', 'demo-group') ?? [];
const faceList = gallery.persistedFaces('faceList', 'demo-face-list') ?? [];

/** A detected face showing `identity` (detection is deterministic, so the search is too). */
function faceOf(identity: number, skip = 0): string {
  let found = 0;
  for (let i = 0; ; i++) {
    const faceId = detectedFaceId(`https://example.com/people/${i}.jpg`, 0);
    if (identityOf(faceId) === identity && found++ === skip) return faceId;
  }
}

function refusal(act: () => unknown): string {
  try {
    act();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    return error.code;
  }
}

function identify(overrides: Partial<IdentifyRequest>): IdentifyRequest {
  return { faceIds: [], group: { kind: 'personGroup', id: 'demo-group' }, maxCandidates: 1, confidenceThreshold: 0.5, ...overrides };
}

describe(FaceMatcher.name, () => {
  const matcher = new FaceMatcher(gallery);
  const alice = demoGroup[0];
  const aliceFace = faceOf(identityOf(alice.personId));
  const strangerIdentity = [0, 1, 2, 3, 4, 5, 6, 7].find((k) => !demoGroup.some((p) => identityOf(p.personId) === k)) ?? -1;
  const strangerFace = faceOf(strangerIdentity);

  describe('identify', () => {
    it('names the person a face shows, and nobody for a stranger', () => {
      const [found, unknown] = matcher.identify(identify({ faceIds: [aliceFace, strangerFace] }));
      expect(found).toEqual({ faceId: aliceFace, candidates: [{ personId: alice.personId, confidence: expect.any(Number) }] });
      expect(found.candidates[0].confidence).toBeGreaterThanOrEqual(0.75);
      expect(unknown).toEqual({ faceId: strangerFace, candidates: [] });
    });

    it('ranks every person above the threshold, highest first, up to the maximum', () => {
      const [all] = matcher.identify(identify({ faceIds: [aliceFace], confidenceThreshold: 0, maxCandidates: 100 }));
      expect(all.candidates.map((c) => c.personId).sort()).toEqual(demoGroup.map((p) => p.personId).sort());
      expect(all.candidates[0].personId).toBe(alice.personId);
      const confidences = all.candidates.map((c) => c.confidence);
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
      expect(matcher.identify(identify({ faceIds: [aliceFace], confidenceThreshold: 0, maxCandidates: 2 }))[0].candidates).toEqual(all.candidates.slice(0, 2));
    });

    it('searches a large person group', () => {
      const erin = gallery.persons('largePersonGroup', 'demo-large-group')?.[0];
      const [result] = matcher.identify(identify({ faceIds: [faceOf(identityOf(erin?.personId ?? ''))], group: { kind: 'largePersonGroup', id: 'demo-large-group' } }));
      expect(result.candidates.map((c) => c.personId)).toContain(erin?.personId);
    });

    it('refuses unknown groups and faces detect did not return', () => {
      expect(refusal(() => matcher.identify(identify({ faceIds: [aliceFace], group: { kind: 'personGroup', id: 'nobody' } })))).toBe('FACE.PERSON_GROUP_NOT_FOUND');
      // Group ids are per kind, as the vendor's: the person group's id is no large person group.
      expect(refusal(() => matcher.identify(identify({ faceIds: [aliceFace], group: { kind: 'largePersonGroup', id: 'demo-group' } })))).toBe(
        'FACE.LARGE_PERSON_GROUP_NOT_FOUND',
      );
      expect(refusal(() => matcher.identify(identify({ faceIds: [aliceFace, randomUUID()] })))).toBe('FACE.FACE_NOT_FOUND');
    });
  });

  describe('verify', () => {
    it('matches a face with itself, with another face of the same person, and not with a stranger', () => {
      expect(matcher.verify({ kind: 'faces', faceId1: aliceFace, faceId2: aliceFace })).toEqual({ isIdentical: true, confidence: 1 });
      const again = faceOf(identityOf(alice.personId), 1);
      expect(matcher.verify({ kind: 'faces', faceId1: aliceFace, faceId2: again }).isIdentical).toBe(true);
      expect(matcher.verify({ kind: 'faces', faceId1: aliceFace, faceId2: strangerFace })).toEqual({ isIdentical: false, confidence: expect.any(Number) });
    });

    it('matches a face with the enrolled person it shows', () => {
      const group = { kind: 'personGroup', id: 'demo-group' } as const;
      expect(matcher.verify({ kind: 'person', faceId: aliceFace, personId: alice.personId, group }).isIdentical).toBe(true);
      expect(matcher.verify({ kind: 'person', faceId: strangerFace, personId: alice.personId, group }).isIdentical).toBe(false);
    });

    it('refuses unknown faces (404 kind), groups and persons', () => {
      const group = { kind: 'personGroup', id: 'demo-group' } as const;
      expect(refusal(() => matcher.verify({ kind: 'faces', faceId1: aliceFace, faceId2: randomUUID() }))).toBe('FACE.VERIFY_FACE_NOT_FOUND');
      expect(refusal(() => matcher.verify({ kind: 'person', faceId: randomUUID(), personId: alice.personId, group }))).toBe('FACE.VERIFY_FACE_NOT_FOUND');
      expect(refusal(() => matcher.verify({ kind: 'person', faceId: aliceFace, personId: randomUUID(), group }))).toBe('FACE.PERSON_NOT_FOUND');
      expect(refusal(() => matcher.verify({ kind: 'person', faceId: aliceFace, personId: alice.personId, group: { kind: 'personGroup', id: 'x' } }))).toBe(
        'FACE.PERSON_GROUP_NOT_FOUND',
      );
    });
  });

  describe('findSimilar', () => {
    const listed = { kind: 'faceList', id: 'demo-face-list' } as const;
    const queryFace = faceOf(identityOf(faceList[0]));

    it('matchPerson: only faces of the same person, most similar first', () => {
      const similar = matcher.findSimilar({ faceId: queryFace, candidates: listed, maxCandidates: 20, mode: 'matchPerson' });
      const expected = faceList
        .filter((id) => identityOf(id) === identityOf(queryFace))
        .map((persistedFaceId) => ({ persistedFaceId, confidence: similarity(queryFace, persistedFaceId) }))
        .sort((a, b) => b.confidence - a.confidence);
      expect(similar).toEqual(expected);
      expect(similar.length).toBeGreaterThanOrEqual(1);
    });

    it('matchFace: every face, ranked, up to the maximum', () => {
      const all = matcher.findSimilar({ faceId: queryFace, candidates: listed, maxCandidates: 20, mode: 'matchFace' });
      expect(all).toHaveLength(faceList.length);
      expect(matcher.findSimilar({ faceId: queryFace, candidates: listed, maxCandidates: 2, mode: 'matchFace' })).toEqual(all.slice(0, 2));
    });

    it('compares with candidate face ids', () => {
      const similar = matcher.findSimilar({ faceId: aliceFace, candidates: { kind: 'faceIds', faceIds: [strangerFace, aliceFace] }, maxCandidates: 20, mode: 'matchPerson' });
      expect(similar).toEqual([{ faceId: aliceFace, confidence: 1 }]);
    });

    it('refuses unknown lists and faces detect did not return', () => {
      const request = { faceId: queryFace, maxCandidates: 20, mode: 'matchPerson' } as const;
      expect(refusal(() => matcher.findSimilar({ ...request, candidates: { kind: 'faceList', id: 'x' } }))).toBe('FACE.FACE_LIST_NOT_FOUND');
      expect(refusal(() => matcher.findSimilar({ ...request, candidates: { kind: 'largeFaceList', id: 'demo-face-list' } }))).toBe('FACE.LARGE_FACE_LIST_NOT_FOUND');
      expect(refusal(() => matcher.findSimilar({ ...request, faceId: randomUUID(), candidates: listed }))).toBe('FACE.FACE_NOT_FOUND');
      expect(refusal(() => matcher.findSimilar({ ...request, candidates: { kind: 'faceIds', faceIds: [randomUUID()] } }))).toBe('FACE.FACE_NOT_FOUND');
    });
  });
});

