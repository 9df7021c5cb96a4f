import { LatchkeyError, type IssuerAdminErrorCode } from '@latchkey/contracts';

/** A refused operator change to an ISV or its keys. */
export class IssuerAdminError extends LatchkeyError<IssuerAdminErrorCode> {}
