import { LAT_LIFETIME_DEFAULT_SECONDS, LAT_LIFETIME_MAX_SECONDS, LAT_LIFETIME_MIN_SECONDS } from '@latchkey/contracts';

/** The outcome of reading `expiredTime` from the query string. */
export type ParsedLifetime = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly reason: string };

/**
 * `expiredTime`: optional, a plain decimal count of seconds within
 * [60, 86400], 3600 when absent (the vendor's documented contract). A
 * repeated parameter is refused rather than resolved by picking one, and so
 * are signs, hex, exponents, fractions and whitespace: `Number()` would
 * accept `0x3c`, `6e1` and ` 60 `, each a different spelling of a lifetime.
 */
export function parseExpiredTime(raw: string | readonly string[] | undefined): ParsedLifetime {
  if (raw === undefined) return { ok: true, seconds: LAT_LIFETIME_DEFAULT_SECONDS };
  if (typeof raw !== 'string') return { ok: false, reason: 'expiredTime is given more than once' };
  if (!/^[0-9]{1,6}$/.test(raw)) return { ok: false, reason: 'expiredTime is not a decimal number of seconds' };
  const seconds = Number(raw);
  if (seconds < LAT_LIFETIME_MIN_SECONDS || seconds > LAT_LIFETIME_MAX_SECONDS) {
    return { ok: false, reason: `expiredTime must be within ${LAT_LIFETIME_MIN_SECONDS} to ${LAT_LIFETIME_MAX_SECONDS}` };
  }
  return { ok: true, seconds };
}
