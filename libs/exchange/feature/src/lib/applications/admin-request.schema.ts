import { z } from 'zod';
import { describeInputIssue, freeText, Guid, PermissionId } from '@latchkey/contracts';
import { APP_ONLY_POLICIES, PROVISIONING_MODES, TOKEN_LIFETIME_SECONDS } from '@latchkey/exchange/data-access';
import { ExchangeAdminError } from './exchange-admin.errors';

/**
 * Request schemas of the exchange's admin API. Objects are strict: an
 * unknown field is refused rather than ignored, so a misspelt policy
 * (`allowedTenantId`) cannot silently leave an application open.
 */

/** A client id: a GUID in practice (it is matched to the Entra `azp`/`appid`); any 1-128 URL-safe characters are accepted. */
export const ClientIdParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

/** An OAuth scope name (RFC 6749 §3.3 characters), starting with a letter or digit, e.g. `testapi.read` or `api://latchkey/testapi.read`. */
export const ScopeName = z.string().regex(/^[A-Za-z0-9][\x21\x23-\x5b\x5d-\x7e]{0,199}$/);

/** A permission a scope grants: `resource:action`, e.g. `testapi:read`, lower case: the rbac service's own rule (contracts). */
export const Permission = PermissionId;

const MAX_SCOPES = 100;
const MAX_LISTED = 100;

/**
 * Scope → permissions, at most 100 scopes of at most 50 permissions each. Only the form is checked here: which
 * scopes exist is the configuration's (each audience's declared scopes), so the admin use case refuses the others.
 */
export const ScopePermissionsInput = z
  .record(ScopeName, z.array(Permission).max(50))
  .refine((scopes) => Object.keys(scopes).length <= MAX_SCOPES, { message: `at most ${MAX_SCOPES} scopes` })
  .transform((scopes) => Object.fromEntries(Object.entries(scopes).map(([scope, permissions]) => [scope, [...new Set(permissions)]])));

/** Entra GUIDs (`tid`, `azp`/`appid`), stored in lower case and each once, so comparisons need no normalising. */
const GuidList = z
  .array(Guid)
  .max(MAX_LISTED)
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

const DisplayName = freeText({ max: 200, min: 1, trim: true });

const policy = {
  scopes: ScopePermissionsInput,
  tokenLifetimeSeconds: z.number().int().min(TOKEN_LIFETIME_SECONDS.min).max(TOKEN_LIFETIME_SECONDS.max),
  allowedTenantIds: GuidList,
  allowedSourceAppIds: GuidList,
  appOnlyPolicy: z.enum(APP_ONLY_POLICIES),
  requireClientMatch: z.boolean(),
  provisioning: z.enum(PROVISIONING_MODES),
  enabled: z.boolean(),
};

/**
 * `POST /admin/v1/oauth-applications`: a display name and the scopes are
 * required; the client id defaults to a random GUID; every policy defaults
 * closed (app-only denied, client match required) except provisioning (`create`).
 */
export const CreateApplicationBody = z.strictObject({
  clientId: ClientIdParam.optional(),
  displayName: DisplayName,
  scopes: policy.scopes,
  tokenLifetimeSeconds: policy.tokenLifetimeSeconds.default(TOKEN_LIFETIME_SECONDS.default),
  allowedTenantIds: policy.allowedTenantIds.default([]),
  allowedSourceAppIds: policy.allowedSourceAppIds.default([]),
  appOnlyPolicy: policy.appOnlyPolicy.default('deny'),
  requireClientMatch: policy.requireClientMatch.default(true),
  provisioning: policy.provisioning.default('create'),
  enabled: policy.enabled.default(true),
});
/** A parsed {@link CreateApplicationBody}. */
export type CreateApplication = z.output<typeof CreateApplicationBody>;

/** `PATCH /admin/v1/oauth-applications/{clientId}`: the fields to change (at least one); lists and the scope map are replaced whole. */
export const UpdateApplicationBody = z
  .strictObject({
    displayName: DisplayName.optional(),
    scopes: policy.scopes.optional(),
    tokenLifetimeSeconds: policy.tokenLifetimeSeconds.optional(),
    allowedTenantIds: policy.allowedTenantIds.optional(),
    allowedSourceAppIds: policy.allowedSourceAppIds.optional(),
    appOnlyPolicy: policy.appOnlyPolicy.optional(),
    requireClientMatch: policy.requireClientMatch.optional(),
    provisioning: policy.provisioning.optional(),
    enabled: policy.enabled.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), { message: 'no field to change' });
/** A parsed {@link UpdateApplicationBody}. */
export type UpdateApplication = z.output<typeof UpdateApplicationBody>;

/** Routes that take no body accept none, or an empty object. */
export const NoBody = z.strictObject({}).optional();

/** Parses `input` with `schema`, or refuses with EXCHANGE.ADMIN_REQUEST_INVALID naming the field but never echoing its value (nor a scope name). */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // A scope name is the operator's input too: name the scope map, not the key inside it.
  const named = issue?.path[0] === 'scopes' ? { ...issue, path: ['scopes'] } : issue;
  throw new ExchangeAdminError('EXCHANGE.ADMIN_REQUEST_INVALID', describeInputIssue(named, what));
}
