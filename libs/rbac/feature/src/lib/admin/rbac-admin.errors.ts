import { LatchkeyError, type RbacAdminErrorCode } from '@latchkey/contracts';

/** A refused request to the RBAC service's operator-key routes, or the caller's credential. */
export class RbacAdminError extends LatchkeyError<RbacAdminErrorCode> {}
