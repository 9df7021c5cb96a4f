import { z } from 'zod';

/** Control characters (C0, DEL, C1): PostgreSQL refuses NUL outright, and the rest garble the consoles and logs free text shows in. */
export const CONTROL_CHARACTER = /\p{Cc}/u;

/** How a field of {@link freeText} is bounded. */
export interface FreeTextOptions {
  /** The most characters, counted after trimming when `trim` is set. */
  readonly max: number;
  /** The fewest characters (after trimming); 0 by default. */
  readonly min?: number;
  /** Trim surrounding whitespace before the bounds are checked (and store the trimmed text). */
  readonly trim?: boolean;
}

/**
 * Text a service stores and shows back to people (display names, reasons,
 * notes): bounded, and with no control characters. Too long is refused,
 * never truncated, so what is stored is exactly what the caller sent. One
 * rule for every service, so a name one admin API accepts is one every
 * console and log can show.
 */
export function freeText(options: FreeTextOptions): z.ZodString {
  const text = options.trim ? z.string().trim() : z.string();
  return text
    .min(options.min ?? 0)
    .max(options.max)
    .refine((value) => !CONTROL_CHARACTER.test(value), { message: 'contains control characters' });
}
