/** The DI token of the reporter's {@link ReporterKeys}. */
export const REPORTER_KEYS = Symbol('REPORTER_KEYS');
/** The DI token of the {@link LeakedTokenIdentifier} that recognises our tokens. */
export const LEAKED_TOKEN_IDENTIFIER = Symbol('LEAKED_TOKEN_IDENTIFIER');
