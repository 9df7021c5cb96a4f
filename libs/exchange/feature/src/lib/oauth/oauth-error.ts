import type { OAuthErrorCode as OAuthWireErrorCode, OAuthErrorBody } from '@latchkey/http';

/** The RFC 6749 §5.2 errors the token endpoint's own request checks answer (RFC 8707's `invalid_target` among them). */
export type OAuthErrorCode = Extract<
  OAuthWireErrorCode,
  'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'invalid_target'
>;

/** The status each error is answered with: 401 for a client that failed to authenticate, else 400 (RFC 6749 §5.2). */
const STATUS: Record<OAuthErrorCode, 400 | 401> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
};

/**
 * A refusal of the token endpoint in the protocol's own shape (RFC 6749
 * §5.2): `{ "error", "error_description" }`. The description says what was
 * wrong in plain words and never repeats a token, a secret or a value the
 * caller sent; `reason` is the platform's code for `exchange.denied` and logs.
 */
export class OAuthError extends Error {
  readonly status: 400 | 401 | 415;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly reason: string,
    /**
     * `unsupportedMediaType`: a body that is not a form, answered 415 as the platform answers any media type a
     * route does not read (multipart included), so that both say the same thing.
     */
    options: { readonly unsupportedMediaType?: true } = {},
  ) {
    super(`${error}: ${description}`);
    this.status = options.unsupportedMediaType ? 415 : STATUS[error];
  }

  /** The JSON body. */
  body(): OAuthErrorBody {
    return { error: this.error, error_description: this.description };
  }
}
