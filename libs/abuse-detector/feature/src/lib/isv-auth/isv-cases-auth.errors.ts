import { LatchkeyError, type AbuseIsvErrorCode } from '@latchkey/contracts';

/** A refused ISV call to the cases API: its code selects the wire error (ISV_CASES_AUTH_WIRE_ERRORS). */
export class IsvCasesAuthError extends LatchkeyError<AbuseIsvErrorCode> {}
