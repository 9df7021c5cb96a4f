import { LatchkeyError, type ExchangeErrorCode } from '@latchkey/contracts';

/** The codes {@link EntraTokenValidator} throws: why an Entra access token was refused. */
export type EntraTokenErrorCode = Extract<
  ExchangeErrorCode,
  | 'EXCHANGE.TOKEN_MISSING'
  | 'EXCHANGE.TOKEN_TOO_LARGE'
  | 'EXCHANGE.TOKEN_MALFORMED'
  | 'EXCHANGE.CLAIMS_INVALID'
  | 'EXCHANGE.ISSUER_UNTRUSTED'
  | 'EXCHANGE.TENANT_UNTRUSTED'
  | 'EXCHANGE.BAD_SIGNATURE'
  | 'EXCHANGE.SIGNING_KEY_UNKNOWN'
  | 'EXCHANGE.JWKS_UNAVAILABLE'
  | 'EXCHANGE.EXPIRED'
  | 'EXCHANGE.NOT_YET_VALID'
  | 'EXCHANGE.WRONG_AUDIENCE'
  | 'EXCHANGE.NOT_ACCESS_TOKEN'
>;

/**
 * An Entra access token was refused. The message is safe to show the caller and never contains the token;
 * `details` hold ids only (`kid`, `tid`). `EXCHANGE.JWKS_UNAVAILABLE` is ours, not the caller's: answer 503
 * with `Retry-After: retryAfterSeconds`.
 */
export class EntraTokenError extends LatchkeyError<EntraTokenErrorCode> {
  /** For `EXCHANGE.JWKS_UNAVAILABLE`: when a new fetch of the keys may be tried, in whole seconds (≥ 1). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: EntraTokenErrorCode,
    message: string,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
    options: { readonly cause?: unknown; readonly retryAfterSeconds?: number } = {},
  ) {
    super(code, message, options.retryAfterSeconds === undefined ? details : { ...details, retryAfterSeconds: options.retryAfterSeconds }, {
      cause: options.cause,
    });
    this.name = 'EntraTokenError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
