import { z } from 'zod';
import { CASE_STATUSES, describeInputIssue, IsvId } from '@latchkey/contracts';
import { AlertIdParam, OperatorNote } from '../admin/admin-request.schema';
import { CaseError } from './cases.errors';
import { webhookUrlProblem, type WebhookDestinationPolicy } from './webhook-destination';

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

/**
 * `PUT /admin/v1/isvs/{isvId}/webhook`: where the ISV's case webhooks go,
 * under the deployment's destination policy (webhook-destination.ts):
 * https to a public host; a loopback, private or link-local host (and plain
 * http to one) only when LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS;
 * no credentials, no fragment. A host name is not resolved here (what it
 * resolves to can change): the dispatcher checks it at every delivery.
 * Stored as the WHATWG parser serialises it (`new URL(url).href`): the one
 * reading the rules checked, so no other parser reading the stored value
 * (the console, an ISV's tooling) can see another host in `HTTPS://a\@b/`.
 */
export function webhookBody(policy: WebhookDestinationPolicy) {
  return z.strictObject({
    url: z
      .string()
      .max(2048)
      .superRefine((text, context) => {
        const problem = webhookUrlProblem(text, policy);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .transform((text) => new URL(text).href),
  });
}

/** The webhook body under the production policy (no private networks): what the OpenAPI document shows. */
export const WebhookBody = webhookBody({ allowPrivateNetworks: false });

const ISV_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * An ISV id in a webhook route's path: the contracts' `IsvId` narrowed to
 * the form the issuer creates ISVs with (2–63 lower-case letters, digits and
 * hyphens, starting with a letter or digit; libs/issuer's `IsvIdParam`), so
 * `NO-SUCH-ISV` is refused 400 rather than given a webhook no ISV can ever
 * receive deliveries for (the detector's ISV ids come from the issuer's events).
 */
export const IsvIdParam = IsvId.regex(ISV_ID);

/** The OpenAPI description of the webhook routes' `isvId`, pattern included, from the same regex. */
export const ISV_ID_API_PARAM = {
  name: 'isvId',
  schema: { type: 'string' as const, pattern: ISV_ID.source },
  description: 'The ISV id (2-63 lower-case letters, digits and hyphens). Anything else: 400 BadArgument (InvalidAdminRequest).',
};

/** Parses the input of an ISV's case request, or refuses with ABUSE.CASE_REQUEST_INVALID naming the field but never echoing its value. */
export function parseCaseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CaseError('ABUSE.CASE_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}
