import { z } from 'zod';

/** A JWT NumericDate (RFC 7519 §2): whole seconds since the epoch. */
export const NumericDate = z.number().int().nonnegative().max(253402300799); // 9999-12-31T23:59:59Z
