import { LatchkeyError, type ExchangeErrorCode } from '@latchkey/contracts';

/**
 * An exchange refused, by its stable code; each HTTP surface answers it in
 * its own shape (RFC 6749 at /oauth2/token, the platform's Azure shape at
 * the gateway). `retryAfterSeconds` is set for EXCHANGE.JWKS_UNAVAILABLE.
 */
export class ExchangeRefusal extends LatchkeyError<ExchangeErrorCode> {
  constructor(
    code: ExchangeErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
  }
}
