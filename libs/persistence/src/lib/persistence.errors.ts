/** Stable codes of the persistence lib (area plus reason). */
export type PersistenceErrorCode =
  | 'PERSISTENCE.INVALID_IDENTIFIER'
  | 'PERSISTENCE.INVALID_OPTIONS'
  | 'PERSISTENCE.CLOSED'
  | 'PERSISTENCE.TRANSACTION_FINISHED'
  | 'PERSISTENCE.TRANSACTION_ABORTED'
  | 'PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION'
  | 'PERSISTENCE.MIGRATION_FAILED';

/**
 * A misuse or failure of the database layer. Driver errors (constraint
 * violations, serialization failures) pass through unwrapped because their
 * SQLSTATE `code` is what callers branch on.
 *
 * Same shape as `LatchkeyError` (literal code, safe details, cause); it does
 * not extend it yet because `@latchkey/contracts` does not export it yet.
 */
export class PersistenceError extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersistenceError';
  }
}
