import { Injectable } from '@nestjs/common';
import { FaceError } from '../face.errors';
import type { FindSimilarRequest } from '../recognition/find-similar.request';
import type { IdentifyRequest } from '../recognition/identify.request';
import type { PersonGroupRef } from '../recognition/person-group-ref';
import type { VerifyRequest } from '../recognition/verify.request';
import { DemoGallery, type GalleryPerson } from './demo-gallery';
import { isDetectedFaceId } from './face-id';
import { SAME_PERSON_THRESHOLD, similarity } from './similarity';

/** identify's answer for one query face. */
export interface IdentifyResult {
  readonly faceId: string;
  readonly candidates: readonly { readonly personId: string; readonly confidence: number }[];
}

/** verify's answer. */
export interface VerifyResult {
  readonly isIdentical: boolean;
  readonly confidence: number;
}

/** findsimilars' answer: persisted faces of a (large) face list, or candidate face ids. */
export type SimilarFace = { readonly persistedFaceId: string; readonly confidence: number } | { readonly faceId: string; readonly confidence: number };

/** Highest confidence first; ties by id, so answers are stable. */
function ranked<T extends { readonly confidence: number }>(items: T[], idOf: (item: T) => string): T[] {
  return items.sort((a, b) => b.confidence - a.confidence || (idOf(a) < idOf(b) ? -1 : 1));
}

/**
 * The Face recognition operations over the demo gallery, with the
 * deterministic `similarity` standing in for biometrics. Lookups refuse as
 * the vendor does: an unknown group, list or person, or a face id this
 * service did not detect.
 */
@Injectable()
export class FaceMatcher {
  constructor(private readonly gallery: DemoGallery) {}

  identify(request: IdentifyRequest): IdentifyResult[] {
    const persons = this.persons(request.group);
    request.faceIds.forEach((faceId, i) => this.assertDetected(faceId, `faceIds[${i}]`, 'FACE.FACE_NOT_FOUND'));
    return request.faceIds.map((faceId) => {
      const scored = persons.map((person) => ({ personId: person.personId, confidence: similarity(faceId, person.personId) }));
      const candidates = ranked(
        scored.filter((candidate) => candidate.confidence >= request.confidenceThreshold),
        (candidate) => candidate.personId,
      );
      return { faceId, candidates: candidates.slice(0, request.maxCandidates) };
    });
  }

  verify(request: VerifyRequest): VerifyResult {
    if (request.kind === 'faces') {
      this.assertDetected(request.faceId1, 'faceId1', 'FACE.VERIFY_FACE_NOT_FOUND');
      this.assertDetected(request.faceId2, 'faceId2', 'FACE.VERIFY_FACE_NOT_FOUND');
      return verdict(similarity(request.faceId1, request.faceId2));
    }
    const persons = this.persons(request.group);
    if (!persons.some((person) => person.personId === request.personId)) {
      throw new FaceError('FACE.PERSON_NOT_FOUND', "'personId' is not a person of the group.");
    }
    this.assertDetected(request.faceId, 'faceId', 'FACE.VERIFY_FACE_NOT_FOUND');
    return verdict(similarity(request.faceId, request.personId));
  }

  findSimilar(request: FindSimilarRequest): SimilarFace[] {
    this.assertDetected(request.faceId, 'faceId', 'FACE.FACE_NOT_FOUND');
    const source = request.candidates;
    let similar: SimilarFace[];
    if (source.kind === 'faceIds') {
      source.faceIds.forEach((faceId, i) => this.assertDetected(faceId, `faceIds[${i}]`, 'FACE.FACE_NOT_FOUND'));
      similar = ranked(
        source.faceIds.map((faceId) => ({ faceId, confidence: similarity(request.faceId, faceId) })),
        (face) => face.faceId,
      );
    } else {
      const persisted = this.gallery.persistedFaces(source.kind, source.id);
      if (persisted === undefined) {
        if (source.kind === 'faceList') throw new FaceError('FACE.FACE_LIST_NOT_FOUND', "No face list has this 'faceListId'.");
        throw new FaceError('FACE.LARGE_FACE_LIST_NOT_FOUND', "No large face list has this 'largeFaceListId'.");
      }
      similar = ranked(
        persisted.map((persistedFaceId) => ({ persistedFaceId, confidence: similarity(request.faceId, persistedFaceId) })),
        (face) => face.persistedFaceId,
      );
    }
    // matchFace ranks every candidate, however dissimilar (the vendor's "returns ranked similar faces anyway").
    const kept = request.mode === 'matchPerson' ? similar.filter((face) => face.confidence >= SAME_PERSON_THRESHOLD) : similar;
    return kept.slice(0, request.maxCandidates);
  }

  private persons(group: PersonGroupRef): readonly GalleryPerson[] {
    const persons = this.gallery.persons(group.kind, group.id);
    if (persons !== undefined) return persons;
    if (group.kind === 'personGroup') throw new FaceError('FACE.PERSON_GROUP_NOT_FOUND', "No person group has this 'personGroupId'.");
    throw new FaceError('FACE.LARGE_PERSON_GROUP_NOT_FOUND', "No large person group has this 'largePersonGroupId'.");
  }

  private assertDetected(faceId: string, field: string, code: 'FACE.FACE_NOT_FOUND' | 'FACE.VERIFY_FACE_NOT_FOUND'): void {
    if (!isDetectedFaceId(faceId)) throw new FaceError(code, `'${field}' is not a face id returned by detect.`);
  }
}

function verdict(confidence: number): VerifyResult {
  return { isIdentical: confidence >= SAME_PERSON_THRESHOLD, confidence };
}
