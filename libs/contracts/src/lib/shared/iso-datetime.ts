import { z } from 'zod';

/**
 * An instant as an ISO 8601 UTC string (`Date.prototype.toISOString()`).
 * UTC only, so two producers never disagree on an offset; still compare
 * instants with `Date.parse`, never as strings (precision may differ).
 */
export const IsoDateTime = z.iso.datetime();

/** An ISO 8601 UTC instant, e.g. `2030-01-01T00:00:00.000Z`. */
export type IsoDateTime = z.infer<typeof IsoDateTime>;
