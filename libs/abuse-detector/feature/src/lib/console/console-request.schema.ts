import { z } from 'zod';
import { MAX_ACTIVITY_MINUTES } from '@latchkey/abuse-detector/data-access';
import { IsvId, reasonCode } from '@latchkey/contracts';
import { AlertIdParam, ReinstatementSubject } from '../admin/admin-request.schema';

/** Minutes of activity when the query does not say. */
export const DEFAULT_ACTIVITY_MINUTES = 60;

/**
 * `POST /admin/v1/revocations`: what to revoke (an ISV, or one of its
 * clients: the subjects an operator can also reinstate), a reason code such
 * as `ADMIN.ABUSE_CONFIRMED` (published on `access.revocation`, so a code,
 * not free text), and optionally the alert that prompted it.
 */
export const RevocationBody = z.strictObject({
  subject: ReinstatementSubject,
  reason: reasonCode('ADMIN'),
  alertId: AlertIdParam.optional(),
});

/** `GET /admin/v1/isvs/{isvId}/activity`: optional `minutes`, 1 to one day. */
export const ActivityQuery = z.strictObject({
  minutes: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number)
    .pipe(z.number().max(MAX_ACTIVITY_MINUTES))
    .optional(),
});

/** `GET /admin/v1/alerts/stream` takes no parameter; like every admin route, it refuses one it does not know. */
export const AlertStreamQuery = z.strictObject({});

/** An ISV id in a path. */
export const IsvIdParam = IsvId;
