import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { describeInputIssue, FEATURE_FLAGS, freeText, JwkThumbprint } from '@latchkey/contracts';
import type { KeySlot } from '@latchkey/issuer/data-access';
import { DISPLAY_NAME_MAX } from '../shared/free-text';
import { IssuerAdminError } from './issuer-admin.errors';

/**
 * An ISV id, as ISVs are created with it: 2–63 lower-case letters, digits
 * and hyphens, starting with a letter or digit (it is a DNS-label-like
 * handle in URLs, logs and token claims).
 */
const ISV_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const IsvIdParam = z.string().regex(ISV_ID);

/** The OpenAPI description of an `isvId` path parameter, pattern included, from the same regex. */
export const ISV_ID_API_PARAM = {
  name: 'isvId',
  schema: { type: 'string' as const, pattern: ISV_ID.source },
  description: 'The ISV id (2-63 lower-case letters, digits and hyphens). Anything else: 400 BadArgument (InvalidAdminRequest).',
};

/**
 * The admin API's inputs, checked at the edge before a use case runs.
 * Objects are strict: an unknown field is refused rather than ignored, so a
 * typo never silently drops what the operator meant. The use cases keep
 * checking content (id syntax, resource ids, reason codes); these check shape.
 */
export const CreateIsvBody = z.strictObject({
  id: IsvIdParam,
  displayName: freeText({ max: DISPLAY_NAME_MAX }),
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

/**
 * A signing key id in a path: keys are named by their RFC 7638 thumbprint,
 * so anything else cannot name one and is refused before any lookup.
 */
export const KidParam = JwkThumbprint;

export const KeySlotParam = z.enum(['1', '2']).transform((slot): KeySlot => (slot === '1' ? 1 : 2));

/** Parses `input` with `schema`, or refuses with ISSUER.ADMIN_REQUEST_INVALID naming the field but never echoing its value. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}

/**
 * Validates a path parameter with `schema` before the handler runs (so
 * before any database access): `@Param('isvId', ISV_ID_PARAM)`. A malformed
 * id is a 400 that names the parameter, never a 404 or 500 that echoes it.
 */
export class AdminParamPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.output<S> {
    return parseAdminInput(this.schema, value, this.what);
  }
}

/** The `isvId` of every ISV admin route. */
export const ISV_ID_PARAM = new AdminParamPipe(IsvIdParam, 'ISV id');

/** The `kid` of the signing-key admin routes. */
export const KID_PARAM = new AdminParamPipe(KidParam, 'key id');
