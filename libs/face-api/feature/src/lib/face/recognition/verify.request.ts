import { z } from 'zod';
import { FaceError } from '../face.errors';
import { absent, GalleryId, Guid, parseFaceBody } from '../face-request';
import { personGroupRef, type PersonGroupRef } from './person-group-ref';

/** Face to face: are these two faces one person? */
const FaceToFaceBody = z.object({
  faceId1: Guid.describe('A face id from detect.'),
  faceId2: Guid.describe('Another face id from detect.'),
});

/** Face to person: is this face this enrolled person? */
const FaceToPersonBody = z.object({
  faceId: Guid.describe('A face id from detect.'),
  personId: Guid.describe('A person of the group.'),
  personGroupId: GalleryId.nullish().describe('The person’s group (or largePersonGroupId; exactly one).'),
  largePersonGroupId: GalleryId.nullish().describe('The person’s large group (or personGroupId; exactly one).'),
});

/** `POST /face/v1.0/verify`: either form, as the vendor's. */
export const VerifyBody = z.union([FaceToFaceBody, FaceToPersonBody]);

/** A validated verify request, face ids lower-cased. */
export type VerifyRequest =
  | { readonly kind: 'faces'; readonly faceId1: string; readonly faceId2: string }
  | { readonly kind: 'person'; readonly faceId: string; readonly personId: string; readonly group: PersonGroupRef };

const EITHER_FORM = "Send 'faceId1' and 'faceId2', or 'faceId' and 'personId' with 'personGroupId' or 'largePersonGroupId'.";

/**
 * The form is chosen by the fields present: `faceId1`/`faceId2`, or
 * `faceId`/`personId`/a group id; a mix of the two, or neither, is refused.
 * Then the form's fields in order, then (face to person) the choice of group.
 *
 * @throws FaceError BODY_INVALID (not an object, both forms or neither), FACE_ID_INVALID, PERSON_ID_INVALID,
 *   PERSON_GROUP_ID_INVALID, LARGE_PERSON_GROUP_ID_INVALID, PERSON_GROUP_IDS_BOTH_SET, PERSON_GROUP_IDS_BOTH_MISSING
 */
export function parseVerifyRequest(body: unknown): VerifyRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FaceError('FACE.BODY_INVALID', 'The request body must be a JSON object.');
  }
  const fields = body as Readonly<Record<string, unknown>>;
  const faceToFace = ['faceId1', 'faceId2'].some((name) => !absent(fields[name]));
  const faceToPerson = ['faceId', 'personId', 'personGroupId', 'largePersonGroupId'].some((name) => !absent(fields[name]));
  if (faceToFace === faceToPerson) throw new FaceError('FACE.BODY_INVALID', EITHER_FORM);
  if (faceToFace) {
    const faces = parseFaceBody(FaceToFaceBody, body, { faceId1: 'FACE.FACE_ID_INVALID', faceId2: 'FACE.FACE_ID_INVALID' });
    return { kind: 'faces', faceId1: faces.faceId1.toLowerCase(), faceId2: faces.faceId2.toLowerCase() };
  }
  const person = parseFaceBody(FaceToPersonBody, body, {
    faceId: 'FACE.FACE_ID_INVALID',
    personId: 'FACE.PERSON_ID_INVALID',
    personGroupId: 'FACE.PERSON_GROUP_ID_INVALID',
    largePersonGroupId: 'FACE.LARGE_PERSON_GROUP_ID_INVALID',
  });
  return { kind: 'person', faceId: person.faceId.toLowerCase(), personId: person.personId.toLowerCase(), group: personGroupRef(person) };
}
