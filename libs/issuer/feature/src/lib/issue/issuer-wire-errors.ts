import type { IssuerErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** The vendor's exact 401 wording (WIRE.md §2). */
const ACCESS_DENIED =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

/** The vendor's wording for a bad body (WIRE.md §2); the inner message says what exactly. */
const BODY_INVALID = 'Request body is invalid.';

/**
 * How every issuer refusal looks on the wire: the vendor's top-level codes
 * (`BadArgument`, `401`, `PermissionDenied`, `UnsupportedFeature`,
 * `InvalidTokenLifetime`, `429`) so an ISV's existing error handling keeps working,
 * and one stable, specific `innererror.code` per rule so it can tell them
 * apart. Typed over the whole IssuerErrorCode union: a new code that is not
 * mapped here does not compile. docs/ISSUER.md lists the same table.
 */
export const ISSUER_WIRE_ERRORS: ErrorMappingTable<IssuerErrorCode> = {
  'ISSUER.BODY_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidRequestBody', message: BODY_INVALID },
  'ISSUER.RESOURCE_ID_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidResourceId', message: BODY_INVALID },
  'ISSUER.FEATURE_UNKNOWN': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'UnknownFeatureFlag', message: BODY_INVALID },
  'ISSUER.QUERY_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidQueryParameter', message: 'Request is invalid.' },
  'ISSUER.LIFETIME_INVALID': {
    status: 400,
    azureCode: 'InvalidTokenLifetime',
    azureInnerCode: 'InvalidExpiredTime',
    message: 'Invalid expiredTime specified. Must be within 60 to 86400.',
  },
  'ISSUER.DPOP_PROOF_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidDpopProof' },
  'ISSUER.DPOP_PROOF_REQUIRED': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'DpopProofRequired' },
  'ISSUER.KEY_MISSING': { status: 401, azureCode: '401', azureInnerCode: 'SubscriptionKeyMissing', message: ACCESS_DENIED },
  'ISSUER.KEY_INVALID': { status: 401, azureCode: '401', azureInnerCode: 'SubscriptionKeyInvalid', message: ACCESS_DENIED },
  'ISSUER.CLIENT_KEY_NOT_ISV': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'ClientKeyIsNotIsvKey' },
  'ISSUER.ISV_NOT_APPROVED': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'IsvNotApproved' },
  'ISSUER.ISV_REVOKED': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'IsvRevoked' },
  'ISSUER.CLIENT_BLOCKED': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'ClientBlocked' },
  'ISSUER.CLIENT_REVOKED': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'ClientRevoked' },
  'ISSUER.KEY_WITHOUT_RESOURCE': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'KeyHasNoResource' },
  'ISSUER.RATE_LIMITED': { status: 429, azureCode: '429', azureInnerCode: 'IsvRateLimited', message: 'Rate limit is exceeded.' },
  'ISSUER.FEATURE_NOT_GRANTED': { status: 403, azureCode: 'UnsupportedFeature', azureInnerCode: 'FeatureNotGrantedToIsv' },
};
