import type { FaceAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the face-api's operator admin API refuses, in the same shape and with
 * the same generic top-level codes as the issuer's admin API (there is no
 * vendor wording to keep), one stable `innererror.code` per rule. Typed over
 * FaceAdminErrorCode: a new code without a row does not compile.
 * docs/FACE-API.md lists the same table.
 */
export const FACE_ADMIN_WIRE_ERRORS: ErrorMappingTable<FaceAdminErrorCode> = {
  'FACE.ADMIN_REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidAdminRequest', message: 'The request is invalid.' },
  'FACE.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'FACE.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'FACE.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'FACE.ADMIN_RESOURCE_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'ClientResourceNotFound', message: 'Resource not found.' },
  'FACE.ADMIN_RESOURCE_EXISTS': {
    status: 409,
    azureCode: 'Conflict',
    azureInnerCode: 'ClientResourceAlreadyExists',
    message: 'The resource already exists.',
  },
};
