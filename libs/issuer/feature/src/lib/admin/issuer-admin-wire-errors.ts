import type { IssuerAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the operator admin API's refusals look on the wire. The filter knows
 * two families (Azure and OAuth); the admin routes are not OAuth, so they
 * answer in the platform's Azure shape, with generic HTTP-style top-level
 * codes (no vendor wording to keep here) and one stable `innererror.code`
 * per rule. Typed over IssuerAdminErrorCode: a new code without a row does
 * not compile. docs/ISSUER.md lists the same table.
 */
export const ISSUER_ADMIN_WIRE_ERRORS: ErrorMappingTable<IssuerAdminErrorCode> = {
  'ISSUER.ADMIN_REQUEST_INVALID': {
    status: 400,
    azureCode: 'BadArgument',
    azureInnerCode: 'InvalidAdminRequest',
    message: 'The request is invalid.',
  },
  'ISSUER.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'ISSUER.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'ISSUER.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'ISSUER.ADMIN_ISV_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'IsvNotFound', message: 'Resource not found.' },
  'ISSUER.ADMIN_SIGNING_KEY_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'SigningKeyNotFound', message: 'Resource not found.' },
  'ISSUER.ADMIN_KEY_RING_BUSY': {
    status: 409,
    azureCode: 'Conflict',
    azureInnerCode: 'KeyRingBusy',
    message: 'Another instance is changing the signing keys; try again.',
  },
  'ISSUER.ADMIN_ISV_EXISTS': { status: 409, azureCode: 'Conflict', azureInnerCode: 'IsvAlreadyExists', message: 'The resource already exists.' },
};
