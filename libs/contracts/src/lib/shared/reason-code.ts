import { z } from 'zod';

const AREA = /^[A-Z][A-Z0-9]*$/;

/**
 * A stable error code of `area` (`ISSUER.FEATURE_NOT_GRANTED`). Events carry
 * codes as pattern-checked strings rather than enums of today's catalogue
 * (error-codes.ts): adding a code must stay an additive change, so a
 * consumer built against the previous catalogue still accepts the event.
 * Pass no area to accept a code of any area.
 */
export function reasonCode(area?: string): z.ZodString {
  if (area !== undefined && !AREA.test(area)) {
    throw new Error(`error code area ${area} is not upper-case alphanumeric`);
  }
  const prefix = area ?? AREA.source.slice(1, -1);
  return z
    .string()
    .max(64)
    .regex(new RegExp(`^${prefix}\\.[A-Z][A-Z0-9_]*$`), { message: `not an error code${area ? ` of ${area}` : ''}` });
}
