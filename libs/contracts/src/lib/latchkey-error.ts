/**
 * The one base class of domain errors: a stable literal code (area plus
 * reason, e.g. `ISSUER.FEATURE_NOT_GRANTED`), a message safe to show a
 * caller, details safe to log, and an optional cause. It knows nothing of
 * HTTP: each transport maps codes in one exhaustive switch.
 */
export class LatchkeyError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LatchkeyError';
  }
}

/** Exhaustiveness check for switches over code unions. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
