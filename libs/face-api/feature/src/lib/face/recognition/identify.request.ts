import { z } from 'zod';
import { GalleryId, Guid, parseFaceBody } from '../face-request';
import { SAME_PERSON_THRESHOLD } from '../matching/similarity';
import { personGroupRef, type PersonGroupRef } from './person-group-ref';

/** `POST /face/v1.0/identify`, with the vendor's limits. */
export const IdentifyBody = z.object({
  faceIds: z.array(Guid).min(1).max(10).describe('1 to 10 face ids from detect; each is identified on its own.'),
  personGroupId: GalleryId.nullish().describe('The person group to search (or largePersonGroupId; exactly one).'),
  largePersonGroupId: GalleryId.nullish().describe('The large person group to search (or personGroupId; exactly one).'),
  maxNumOfCandidatesReturned: z.number().int().min(1).max(100).nullish().describe('1 to 100; default 1.'),
  confidenceThreshold: z.number().min(0).max(1).nullish().describe(`0 to 1; default ${SAME_PERSON_THRESHOLD}.`),
});

/** A validated identify request, with the vendor's defaults applied. */
export interface IdentifyRequest {
  /** Lower-cased. */
  readonly faceIds: readonly string[];
  readonly group: PersonGroupRef;
  readonly maxCandidates: number;
  readonly confidenceThreshold: number;
}

/**
 * Fields in the order below, then the choice of group.
 *
 * @throws FaceError with the vendor's code for the first rule broken (FACE_IDS_LENGTH_INVALID, FACE_ID_INVALID,
 *   PERSON_GROUP_ID_INVALID, LARGE_PERSON_GROUP_ID_INVALID, MAX_CANDIDATES_INVALID, CONFIDENCE_THRESHOLD_INVALID,
 *   PERSON_GROUP_IDS_BOTH_SET, PERSON_GROUP_IDS_BOTH_MISSING; BODY_INVALID for a body that is not an object)
 */
export function parseIdentifyRequest(body: unknown): IdentifyRequest {
  const fields = parseFaceBody(IdentifyBody, body, {
    faceIds: { self: 'FACE.FACE_IDS_LENGTH_INVALID', items: 'FACE.FACE_ID_INVALID' },
    personGroupId: 'FACE.PERSON_GROUP_ID_INVALID',
    largePersonGroupId: 'FACE.LARGE_PERSON_GROUP_ID_INVALID',
    maxNumOfCandidatesReturned: 'FACE.MAX_CANDIDATES_INVALID',
    confidenceThreshold: 'FACE.CONFIDENCE_THRESHOLD_INVALID',
  });
  return {
    faceIds: fields.faceIds.map((id) => id.toLowerCase()),
    group: personGroupRef(fields),
    maxCandidates: fields.maxNumOfCandidatesReturned ?? 1,
    confidenceThreshold: fields.confidenceThreshold ?? SAME_PERSON_THRESHOLD,
  };
}
