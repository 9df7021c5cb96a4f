import { z } from 'zod';
import { FaceResourceId, freeText } from '@latchkey/contracts';
import { FaceAdminError } from './face-admin.errors';

/**
 * A client's Face resource id, the form a limited access token names as its
 * audience, canonical (lower-case). The issuer's own parser: a resource
 * registered here is always one a token can be issued for, and a typo never
 * creates a resource no token can ever name.
 */
export const ClientResourceId = FaceResourceId;

/** A name for operators: it shows in consoles and logs. */
const DisplayName = freeText({ max: 200, min: 1, trim: true });

/**
 * `POST /admin/v1/client-resources`. Strict, like the issuer's admin API: an
 * unknown field is refused rather than ignored, so a typo never silently
 * drops what the operator meant.
 */
export const CreateClientResourceBody = z.strictObject({
  resourceId: ClientResourceId.describe('The client’s Face resource id; stored lower-case (Azure ids are case-insensitive).'),
  displayName: DisplayName.describe('A name for operators, 1–200 characters.'),
});

/** Routes whose path says everything: no body, or an empty JSON object. */
export const NoBody = z.strictObject({}).optional();

/**
 * The resource id addressed by the rest of an admin path, the way ARM
 * addresses resources: `/admin/v1/client-resources/subscriptions/…/accounts/<name>`,
 * or the id URL-encoded into one segment (`%2Fsubscriptions%2F…`). The router
 * has decoded it either way.
 */
export function resourceIdInPath(rest: string): string {
  return parseAdminInput(ClientResourceId, rest.startsWith('/') ? rest : `/${rest}`, 'resource id');
}

/** The admin path of a resource (ARM-style, each segment encoded), for `Location`. */
export function pathOfResource(resourceId: string): string {
  return `/admin/v1/client-resources${resourceId.split('/').map(encodeURIComponent).join('/')}`;
}

/** Parses `input` with `schema`, or refuses with FACE.ADMIN_REQUEST_INVALID naming the field but never echoing its value. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${what} field ${issue.path.map(String).join('.')}` : what;
  const reason = issue?.code === 'unrecognized_keys' ? 'has unknown fields' : `is invalid (${issue?.message ?? 'unknown'})`;
  throw new FaceAdminError('FACE.ADMIN_REQUEST_INVALID', `The ${field} ${reason}.`);
}
