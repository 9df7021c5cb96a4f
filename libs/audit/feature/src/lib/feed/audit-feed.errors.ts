import { LatchkeyError, type AuditFeedErrorCode } from '@latchkey/contracts';

/** A refused ISV feed request: its code selects the wire error (AUDIT_FEED_WIRE_ERRORS). */
export class AuditFeedError extends LatchkeyError<AuditFeedErrorCode> {}
