import { z } from 'zod';
import { CASE_STATUSES, describeInputIssue, IsvId } from '@latchkey/contracts';
import { AlertIdParam, OperatorNote } from '../admin/admin-request.schema';
import { CaseError } from './cases.errors';

/** Page size of the case lists: default and bound. */
export const DEFAULT_CASE_LIMIT = 100;
export const MAX_CASE_LIMIT = 500;

const Limit = z
  .string()
  .regex(/^[1-9][0-9]{0,3}$/)
  .transform(Number)
  .pipe(z.number().max(MAX_CASE_LIMIT));

/** `GET /admin/v1/cases`: optional status, ISV and limit; nothing else (a repeated parameter arrives as an array and is refused). */
export const ListCasesQuery = z.strictObject({ status: z.enum(CASE_STATUSES).optional(), isvId: IsvId.optional(), limit: Limit.optional() });

/** `GET /isv/v1/isvs/{isvId}/cases`: the ISV's own cases, optionally of one status. */
export const IsvListCasesQuery = z.strictObject({ status: z.enum(CASE_STATUSES).optional(), limit: Limit.optional() });

/** A case id in a path (printable ASCII, like alert ids). */
export const CaseIdParam = AlertIdParam;

/** `POST /admin/v1/cases/{id}/close`: why (required). */
export const CloseCaseBody = z.strictObject({ reason: OperatorNote });

/** The ISV's answer to a case: a note for the security team (required, never credential-shaped: it is stored and shown). */
export const IsvAnswerBody = z.strictObject({ note: OperatorNote });

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `PUT /admin/v1/isvs/{isvId}/webhook`: where the ISV's case webhooks go.
 * HTTPS, or plain HTTP only to this machine (development and tests); no
 * credentials in the URL (the signature authenticates us to the ISV, and a
 * userinfo part would be a secret in a stored URL); no fragment.
 */
export const WebhookBody = z.strictObject({
  url: z
    .string()
    .max(2048)
    .superRefine((text, context) => {
      const problem = webhookUrlProblem(text);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
});

/** Why `text` cannot be a webhook URL, or undefined when it can. Judged on the parsed URL, as fetch will read it. */
function webhookUrlProblem(text: string): string | undefined {
  if (!URL.canParse(text)) return 'not a URL';
  const url = new URL(text);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return 'must be https (http only to localhost)';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.hash !== '' || text.includes('#')) return 'must not have a fragment';
  return undefined;
}

/** An ISV id in a path. */
export const IsvIdParam = IsvId;

/** Parses the input of an ISV's case request, or refuses with ABUSE.CASE_REQUEST_INVALID naming the field but never echoing its value. */
export function parseCaseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CaseError('ABUSE.CASE_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}
