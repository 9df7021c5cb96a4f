import { LatchkeyError, type RbacGuardErrorCode } from '@latchkey/contracts';

/**
 * An endpoint's RBAC guard refused a request. `details` name the missing
 * scope or permission (never the token); the wire form is
 * {@link RBAC_WIRE_ERRORS}.
 */
export class RbacGuardError extends LatchkeyError<RbacGuardErrorCode> {}
