import type { FaceErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** The vendor's exact 401 wording (WIRE.md §2). */
const ACCESS_DENIED =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

/**
 * How the Face operations' refusals look on the wire: the vendor's status,
 * `error.code` and `error.message` from its Face error-code reference (so a
 * client's existing handling keeps working), and one stable, specific
 * `innererror.code` per rule whose `message` names the field and what is
 * wrong with it (never its value). Where the vendor answers one condition
 * with different statuses per operation (FaceNotFound: 400 from identify and
 * findsimilars, 404 from verify) there are two codes. Typed over
 * FaceErrorCode: a new code without a row does not compile. docs/FACE-API.md
 * lists the same table (checked by face-wire-errors.spec.ts).
 */
export const FACE_WIRE_ERRORS: ErrorMappingTable<FaceErrorCode> = {
  'FACE.KEY_MISSING': { status: 401, azureCode: '401', azureInnerCode: 'SubscriptionKeyMissing', message: ACCESS_DENIED },
  'FACE.KEY_INVALID': { status: 401, azureCode: '401', azureInnerCode: 'SubscriptionKeyInvalid', message: ACCESS_DENIED },
  'FACE.BODY_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidRequestBody', message: 'Request body is invalid.' },
  'FACE.IMAGE_URL_INVALID': { status: 400, azureCode: 'InvalidURL', azureInnerCode: 'InvalidImageUrl', message: 'Invalid image URL.' },
  'FACE.FACE_ID_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidFaceId', message: 'Face ID is invalid.' },
  'FACE.FACE_IDS_LENGTH_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidFaceIdsLength',
    message: 'The length of faceIds is not in a valid range.',
  },
  'FACE.PERSON_ID_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidPersonId', message: 'Person ID is invalid.' },
  'FACE.PERSON_GROUP_ID_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidPersonGroupId',
    message: 'Person group ID is invalid.',
  },
  'FACE.LARGE_PERSON_GROUP_ID_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidLargePersonGroupId',
    message: 'Large person group ID is invalid.',
  },
  'FACE.PERSON_GROUP_IDS_BOTH_SET': {
    status: 400,
    azureCode: 'PersonGroupIdAndLargePersonGroupIdBothNotNull',
    azureInnerCode: 'BothPersonGroupIdsSet',
    message: 'Large person group ID and person group ID are both not null.',
  },
  'FACE.PERSON_GROUP_IDS_BOTH_MISSING': {
    status: 400,
    azureCode: 'PersonGroupIdAndLargePersonGroupIdBothNull',
    azureInnerCode: 'NoPersonGroupId',
    message: 'Large person group ID and person group ID are both null.',
  },
  'FACE.MAX_CANDIDATES_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidMaxNumOfCandidatesReturned',
    message: 'The argument maxNumOfCandidatesReturned is not valid.',
  },
  'FACE.CONFIDENCE_THRESHOLD_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidConfidenceThreshold',
    message: 'The argument confidenceThreshold is not valid.',
  },
  'FACE.MODE_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidMode', message: 'Mode is invalid.' },
  'FACE.FACE_LIST_ID_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidFaceListId', message: 'Face list ID is invalid.' },
  'FACE.LARGE_FACE_LIST_ID_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidLargeFaceListId',
    message: 'Large face list ID is invalid.',
  },
  'FACE.CANDIDATE_SOURCES_SEVERAL': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'SeveralCandidateSources',
    message: '2 or more of largeFaceListId, faceListId and faceIds are not null.',
  },
  'FACE.CANDIDATE_SOURCES_MISSING': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'NoCandidateSource',
    message: 'LargeFaceListId, faceListId and faceIds are all null.',
  },
  'FACE.FACE_NOT_FOUND': { status: 400, azureCode: 'FaceNotFound', azureInnerCode: 'FaceIdNotFound', message: 'Face is not found.' },
  'FACE.VERIFY_FACE_NOT_FOUND': { status: 404, azureCode: 'FaceNotFound', azureInnerCode: 'VerifyFaceIdNotFound', message: 'Face is not found.' },
  'FACE.PERSON_GROUP_NOT_FOUND': {
    status: 400,
    azureCode: 'PersonGroupNotFound',
    azureInnerCode: 'PersonGroupNotFound',
    message: 'Person group is not found.',
  },
  'FACE.LARGE_PERSON_GROUP_NOT_FOUND': {
    status: 400,
    azureCode: 'LargePersonGroupNotFound',
    azureInnerCode: 'LargePersonGroupNotFound',
    message: 'Large person group is not found.',
  },
  'FACE.PERSON_NOT_FOUND': { status: 404, azureCode: 'PersonNotFound', azureInnerCode: 'PersonNotFound', message: 'Person is not found.' },
  'FACE.FACE_LIST_NOT_FOUND': { status: 400, azureCode: 'FaceListNotFound', azureInnerCode: 'FaceListNotFound', message: 'Face list is not found.' },
  'FACE.LARGE_FACE_LIST_NOT_FOUND': {
    status: 400,
    azureCode: 'LargeFaceListNotFound',
    azureInnerCode: 'LargeFaceListNotFound',
    message: 'Large face list is not found.',
  },
};
