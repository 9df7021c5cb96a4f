import { z } from 'zod';
import { FaceError } from '../face.errors';
import { absent, GalleryId, Guid, parseFaceBody } from '../face-request';
import type { FaceListKind } from '../matching/demo-gallery';

/** The vendor's two modes: same person only, or the most similar faces whatever their similarity. */
export const FIND_SIMILAR_MODES = ['matchPerson', 'matchFace'] as const;
export type FindSimilarMode = (typeof FIND_SIMILAR_MODES)[number];

/** `POST /face/v1.0/findsimilars`, with the vendor's limits. */
export const FindSimilarBody = z.object({
  faceId: Guid.describe('The query face id, from detect.'),
  faceListId: GalleryId.nullish().describe('Candidates: a face list (exactly one of faceListId, largeFaceListId, faceIds).'),
  largeFaceListId: GalleryId.nullish().describe('Candidates: a large face list.'),
  faceIds: z.array(Guid).min(1).max(1000).nullish().describe('Candidates: 1 to 1000 face ids from detect.'),
  maxNumOfCandidatesReturned: z.number().int().min(1).max(1000).nullish().describe('1 to 1000; default 20.'),
  mode: z.enum(FIND_SIMILAR_MODES).nullish().describe('matchPerson (default) or matchFace.'),
});

/** Where the candidates come from. */
export type CandidateSource = { readonly kind: FaceListKind; readonly id: string } | { readonly kind: 'faceIds'; readonly faceIds: readonly string[] };

/** A validated findsimilars request, ids lower-cased, with the vendor's defaults applied. */
export interface FindSimilarRequest {
  readonly faceId: string;
  readonly candidates: CandidateSource;
  readonly maxCandidates: number;
  readonly mode: FindSimilarMode;
}

/**
 * Fields in the order below, then the choice of candidates.
 *
 * @throws FaceError FACE_ID_INVALID, FACE_LIST_ID_INVALID, LARGE_FACE_LIST_ID_INVALID, FACE_IDS_LENGTH_INVALID,
 *   MAX_CANDIDATES_INVALID, MODE_INVALID, CANDIDATE_SOURCES_SEVERAL, CANDIDATE_SOURCES_MISSING; BODY_INVALID for a body that is not an object
 */
export function parseFindSimilarRequest(body: unknown): FindSimilarRequest {
  const fields = parseFaceBody(FindSimilarBody, body, {
    faceId: 'FACE.FACE_ID_INVALID',
    faceListId: 'FACE.FACE_LIST_ID_INVALID',
    largeFaceListId: 'FACE.LARGE_FACE_LIST_ID_INVALID',
    faceIds: { self: 'FACE.FACE_IDS_LENGTH_INVALID', items: 'FACE.FACE_ID_INVALID' },
    maxNumOfCandidatesReturned: 'FACE.MAX_CANDIDATES_INVALID',
    mode: 'FACE.MODE_INVALID',
  });
  return {
    faceId: fields.faceId.toLowerCase(),
    candidates: candidateSource(fields),
    maxCandidates: fields.maxNumOfCandidatesReturned ?? 20,
    mode: fields.mode ?? 'matchPerson',
  };
}

function candidateSource(fields: z.output<typeof FindSimilarBody>): CandidateSource {
  const given = [fields.faceListId, fields.largeFaceListId, fields.faceIds].filter((source) => !absent(source)).length;
  if (given > 1) throw new FaceError('FACE.CANDIDATE_SOURCES_SEVERAL', "Send one of 'faceListId', 'largeFaceListId' and 'faceIds'.");
  if (fields.faceListId) return { kind: 'faceList', id: fields.faceListId };
  if (fields.largeFaceListId) return { kind: 'largeFaceList', id: fields.largeFaceListId };
  if (fields.faceIds) return { kind: 'faceIds', faceIds: fields.faceIds.map((id) => id.toLowerCase()) };
  throw new FaceError('FACE.CANDIDATE_SOURCES_MISSING', "Send one of 'faceListId', 'largeFaceListId' and 'faceIds'.");
}
