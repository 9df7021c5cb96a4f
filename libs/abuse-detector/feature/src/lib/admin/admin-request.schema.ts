import { z } from 'zod';
import { ALERT_SEVERITY_ORDER, ALERT_STATUSES } from '@latchkey/abuse-detector/data-access';
import { findSecretShapes } from '@latchkey/tokens';
import { AzureResourceId, describeInputIssue, freeText, Identifier, IsvId, reasonCode } from '@latchkey/contracts';
import { AbuseAdminError } from './abuse-admin.errors';

/** Page size of the alert list: default and bound. */
export const DEFAULT_ALERT_LIMIT = 100;
export const MAX_ALERT_LIMIT = 500;

/**
 * Whether free text looks like it holds a credential: any shape the audit
 * store redacts (libs/tokens secret-shapes: a token, also one copied into a
 * URL, a platform key, a webhook secret, a bearer header, a private key), or
 * a fragment of one, since a note is short and a pasted half-token is still
 * half a token. Case-insensitive and without word boundaries: `x_lk_op_…`
 * and `LK_OP_…` count.
 */
export function looksLikeCredential(text: string): boolean {
  return (
    findSecretShapes(text).length > 0 ||
    /eyJ[\w-]{4,}(?:\.|%2e)[\w-]{4,}/i.test(text) ||
    /lk_(?:isv|cli|op|app)_/i.test(text) ||
    /whsec_[A-Za-z0-9+/=]{8,}/i.test(text) ||
    /\bbearer\s+\S{16,}/i.test(text)
  );
}

/**
 * Free text an operator (or an ISV, answering a case) writes, for people to
 * read. Printable, bounded, and never shaped like a credential: it is stored
 * in the alert or case and shown in the console, where a pasted token or key
 * must not end up.
 */
export const OperatorNote = freeText({ max: 500, min: 1, trim: true }).refine((text) => !looksLikeCredential(text), {
  message: 'looks like a credential',
});

/**
 * `GET /admin/v1/alerts`: optional status, severity, rule and ISV filters, optional limit; nothing else.
 * Repeated parameters arrive as arrays and are refused.
 */
export const ListAlertsQuery = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(ALERT_SEVERITY_ORDER).optional(),
  rule: Identifier.optional(),
  isvId: IsvId.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number)
    .pipe(z.number().max(MAX_ALERT_LIMIT))
    .optional(),
});

/** `POST /admin/v1/alerts/{id}/acknowledge`: why the operator acknowledges (required). */
export const AcknowledgeBody = z.strictObject({ reason: OperatorNote });

/** What an operator reinstates: an ISV, or one of its clients. */
export const ReinstatementSubject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('isv'), isvId: IsvId }),
  z.strictObject({ kind: z.literal('isv-client'), isvId: IsvId, resourceId: AzureResourceId }),
]);

/** `POST /admin/v1/reinstatements`: the subject and a reason code such as `ADMIN.FALSE_POSITIVE`, published on `access.revocation`. */
export const ReinstatementBody = z.strictObject({ subject: ReinstatementSubject, reason: reasonCode('ADMIN') });

/** An alert id in a path. */
export const AlertIdParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/);

/** Parses `input` with `schema`, or refuses with ABUSE.ADMIN_REQUEST_INVALID naming the field but never echoing its value. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AbuseAdminError('ABUSE.ADMIN_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}
