import { LatchkeyError, type AbuseAdminErrorCode } from '@latchkey/contracts';

/** A refused operator request to the abuse detector, or the operator's credential. */
export class AbuseAdminError extends LatchkeyError<AbuseAdminErrorCode> {}
