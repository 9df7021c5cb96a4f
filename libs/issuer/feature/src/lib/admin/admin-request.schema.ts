import { z } from 'zod';
import { describeInputIssue, FEATURE_FLAGS } from '@latchkey/contracts';
import type { KeySlot } from '@latchkey/issuer/data-access';
import { IssuerAdminError } from './issuer-admin.errors';

/**
 * The admin API's inputs, checked at the edge before a use case runs.
 * Objects are strict: an unknown field is refused rather than ignored, so a
 * typo never silently drops what the operator meant. The use cases keep
 * checking content (id syntax, resource ids, reason codes); these check shape.
 */
export const CreateIsvBody = z.strictObject({
  id: z.string().max(63),
  displayName: z.string().max(200),
  resourceId: z.string().max(1024).optional(),
});

/** `reason` is a code such as `ADMIN.CONTRACT_ENDED`, published on `access.revocation`. */
export const IssuingRightBody = z.strictObject({ reason: z.string().max(64) });

/** `reason` is a code such as `ADMIN.KEY_COMPROMISED`, published on `access.revocation`. */
export const RetireSigningKeyBody = z.strictObject({ reason: z.string().max(64) });

/** Whether the ISV issues sender-constrained (DPoP-bound) tokens only. */
export const DpopRequiredBody = z.strictObject({ required: z.boolean() });

/** Routes whose path says everything: no body, or an empty JSON object. */
export const NoBody = z.strictObject({}).optional();

export const FeatureFlagParam = z.enum(FEATURE_FLAGS);

export const KeySlotParam = z.enum(['1', '2']).transform((slot): KeySlot => (slot === '1' ? 1 : 2));

/** Parses `input` with `schema`, or refuses with ISSUER.ADMIN_REQUEST_INVALID naming the field but never echoing its value. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}
