import { LatchkeyError, type ExchangeAdminErrorCode } from '@latchkey/contracts';

/** A refused operator request to the exchange, or the operator's credential. */
export class ExchangeAdminError extends LatchkeyError<ExchangeAdminErrorCode> {}
