import { LatchkeyError, type AuditAdminErrorCode } from '@latchkey/contracts';

/** A refused operator query or export (bad query string), or the operator's credential. */
export class AuditAdminError extends LatchkeyError<AuditAdminErrorCode> {}
