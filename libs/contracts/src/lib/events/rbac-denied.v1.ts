import { z } from 'zod';
import { ScopeToken } from '../claims/internal-access-token.claims';
import { defineEvent } from '../define-event';
import { Identifier } from '../shared/ids';
import { reasonCode } from '../shared/reason-code';
import { Topics } from '../topics';

/** Who was refused: a person (a user's token) or an application (a client's own token). */
export const RBAC_SUBJECT_KINDS = ['person', 'application'] as const;

/**
 * An endpoint's RBAC check refused a caller. Keyed by subject, so the
 * denials of one caller stay in order (probing rules).
 */
export const RbacDeniedV1 = defineEvent({
  type: 'com.latchkey.rbac.denied.v1',
  topic: Topics.RbacDenied,
  data: z.object({
    /** A person id or an OAuth client id, per `subjectKind`. */
    subject: Identifier,
    subjectKind: z.enum(RBAC_SUBJECT_KINDS),
    permission: Identifier,
    /** The scope the endpoint requires, if any. */
    scope: ScopeToken.nullable(),
    /** The endpoint as declared, e.g. `GET /api/services/v1/reports`. */
    endpoint: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[\x20-\x7e]+$/),
    /** An {@link RbacDenialReason}, e.g. `RBAC.PERMISSION_DENIED`. */
    reason: reasonCode('RBAC'),
  }),
  key: (data) => data.subject,
  subject: (data) => data.subject,
});
