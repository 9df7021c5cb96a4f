/**
 * The exit codes of `latchkey`, one scheme for every command so that a
 * script can branch on them. 0–2 are those `audit verify` always had;
 * 3–6 tell apart why the server said no, so that a script can tell a
 * missing permission from a typo in an id or a service that is down.
 */
export const EXIT = {
  /** The command did what was asked (a verification found everything in order). */
  OK: 0,
  /** A check ran and failed: audit tampering found, a token that does not verify, a service not ready. */
  CHECK_FAILED: 1,
  /** The command could not run: bad arguments, an unreadable file, a service or database that cannot be reached. */
  COULD_NOT_RUN: 2,
  /** The server refused the credential: 401 or 403 (no or a wrong operator token/key, a missing permission). */
  REFUSED: 3,
  /** The server does not know the thing named: 404. */
  NOT_FOUND: 4,
  /** The server rejected the request itself: another 4xx (400 invalid input, 409 conflict, 429 rate limited). */
  REJECTED: 5,
  /** The server failed: 5xx (503 while a service is not ready yet). */
  SERVER_ERROR: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an HTTP error status (never called with a 2xx). */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.REFUSED;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status >= 400 && status < 500) return EXIT.REJECTED;
  return EXIT.SERVER_ERROR;
}
