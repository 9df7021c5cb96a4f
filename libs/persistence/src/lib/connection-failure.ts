/**
 * Whether an error says the database could not be reached or dropped the connection, as opposed to refusing a
 * statement (a constraint, a serialization failure, bad SQL). The first is the database's outage: an HTTP caller
 * should be told 503 and to retry, not 500. Recognised wherever it was thrown (node-postgres, pg-pool, drizzle,
 * which wraps driver errors in its own with the original as `cause`), so the HTTP layer needs one question.
 */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || SERVER_GOING_AWAY.has(code))) return true;
    if (DRIVER_MESSAGES.some((pattern) => pattern.test(current instanceof Error ? current.message : ''))) return true;
  }
  return false;
}

/** Node's socket errors on connect, read or write. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATE 57P01–57P03: the server is shutting down, crashed, or not accepting connections yet (class 08 is caught above). */
const SERVER_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);
/** node-postgres and pg-pool say these without a code. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];
