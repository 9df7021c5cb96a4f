import { FaceError } from '../face.errors';
import { absent } from '../face-request';
import type { PersonGroupKind } from '../matching/demo-gallery';

/** The person group a request names: exactly one of `personGroupId` and `largePersonGroupId`. */
export interface PersonGroupRef {
  readonly kind: PersonGroupKind;
  readonly id: string;
}

/**
 * Picks the one person group of identify or verify. The vendor refuses both
 * and neither with dedicated top-level codes; `null` counts as absent
 * ("both null").
 *
 * @throws FaceError FACE.PERSON_GROUP_IDS_BOTH_SET or FACE.PERSON_GROUP_IDS_BOTH_MISSING
 */
export function personGroupRef(fields: { personGroupId?: string | null; largePersonGroupId?: string | null }): PersonGroupRef {
  const { personGroupId, largePersonGroupId } = fields;
  if (!absent(personGroupId) && !absent(largePersonGroupId)) {
    throw new FaceError('FACE.PERSON_GROUP_IDS_BOTH_SET', "Send 'personGroupId' or 'largePersonGroupId', not both.");
  }
  if (personGroupId) return { kind: 'personGroup', id: personGroupId };
  if (largePersonGroupId) return { kind: 'largePersonGroup', id: largePersonGroupId };
  throw new FaceError('FACE.PERSON_GROUP_IDS_BOTH_MISSING', "Send 'personGroupId' or 'largePersonGroupId'.");
}
