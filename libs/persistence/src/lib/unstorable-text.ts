/**
 * Whether a database error says a value the caller sent cannot be stored as
 * text: a NUL character in `text` (SQLSTATE 22021, which PostgreSQL and
 * PGlite raise for any parameter holding U+0000), a `\u0000` escape in
 * `jsonb` (22P05), or a string longer than its column (22001). These are the
 * request's fault, not the service's: the HTTP layer answers 400 rather than
 * 500. Drizzle wraps the driver's error, so the cause chain is searched.
 */
export function isUnstorableText(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNSTORABLE_TEXT_CODES.has(code)) return true;
  }
  return false;
}

/** character_not_in_repertoire, untranslatable_character, string_data_right_truncation. */
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05', '22001']);
