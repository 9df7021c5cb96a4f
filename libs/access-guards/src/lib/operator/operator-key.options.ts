/**
 * The service's own error codes for the operator key's three refusals, so
 * each service keeps its published codes and maps them in its own wire table
 * (all three are 401s). Check them against the service's code union:
 * `codes: { … } satisfies OperatorKeyCodes<IssuerAdminErrorCode>`.
 */
export interface OperatorKeyCodes<Code extends string = string> {
  /** No Authorization header, more than one, or not `Bearer <key>`. */
  readonly unauthenticated: Code;
  /** A key other than the operator key. */
  readonly invalid: Code;
  /** No operator key exists (PostgreSQL without one configured): every admin request is refused. */
  readonly disabled: Code;
}

/** How one service's operator key is set up; provided by `OperatorKeyModule.forService`. */
export interface OperatorKeyOptions {
  /**
   * The service's name: the log context (`OperatorKey:<service>`), the generated key's file
   * (`<dataDir>/secrets/<service>-operator-key`) and the challenge's realm (`latchkey-<service>-admin`).
   */
  readonly service: string;
  /** The variable that configures the key, named in the log line that says the admin API is off. */
  readonly variable: string;
  /** Its value, validated by the service's config slice (see `envOperatorKey`). */
  readonly configured: string | undefined;
  readonly codes: OperatorKeyCodes;
}

/** DI token of the {@link OperatorKeyOptions} of the service the module was set up for. */
export const OPERATOR_KEY_OPTIONS = Symbol('latchkey:operator-key-options');
