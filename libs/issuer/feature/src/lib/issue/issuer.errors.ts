import { LatchkeyError, type IssuerErrorCode } from '@latchkey/contracts';

/** A refused issuance: its code selects the wire error (ISSUER_WIRE_ERRORS) and the denial event's reason. */
export class IssuerError extends LatchkeyError<IssuerErrorCode> {}
