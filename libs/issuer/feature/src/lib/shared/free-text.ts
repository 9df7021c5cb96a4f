import { z } from 'zod';

/** The longest display name an operator may give an ISV. */
export const DISPLAY_NAME_MAX = 200;

/** The longest free-text reason (an ISV's note on a client block). */
export const REASON_MAX = 500;

/** Control characters (C0, DEL, C1): PostgreSQL refuses NUL outright, and the rest garble the consoles and logs these fields show in. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Free text the issuer stores and shows back: at most `max` characters and
 * no control characters. Too long is refused, never truncated, so what is
 * stored is exactly what the caller sent.
 */
export function freeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((text) => !CONTROL_CHARACTER.test(text), { message: 'contains control characters' });
}
