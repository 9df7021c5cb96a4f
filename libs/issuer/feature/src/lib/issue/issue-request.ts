import { FEATURE_FLAGS, parseFaceResourceId, type FeatureFlag } from '@latchkey/contracts';

/** A validated issuance request body. */
export interface IssueRequestBody {
  /** Canonical (lower-case) Face resource id. */
  readonly resourceId: string;
  /** Requested flags, deduplicated, in the platform's canonical order. */
  readonly features: readonly FeatureFlag[];
}

/** Why a body was refused; the codes become distinct `innererror` codes on the wire. */
export type IssueRequestProblem =
  | { readonly code: 'ISSUER.BODY_INVALID'; readonly reason: string }
  | { readonly code: 'ISSUER.RESOURCE_ID_INVALID'; readonly reason: string }
  | { readonly code: 'ISSUER.FEATURE_UNKNOWN'; readonly reason: string; readonly unknown: readonly string[] };

export type ParsedIssueRequest = { readonly ok: true; readonly body: IssueRequestBody } | ({ readonly ok: false } & IssueRequestProblem);

const FIELDS = new Set(['targetAzureResourceId', 'resourceId', 'featureFlags']);
const MAX_FLAGS = 16;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `{"targetAzureResourceId" | "resourceId": "...", "featureFlags": [...]}`
 * (the current and the 2023 field name; exactly one of them). Unknown
 * fields are refused, so a typo never silently drops a constraint; flags
 * must be spelled exactly as documented. Problems never echo input values.
 */
export function parseIssueRequest(input: unknown): ParsedIssueRequest {
  if (!isPlainObject(input)) return { ok: false, code: 'ISSUER.BODY_INVALID', reason: 'the body is not a JSON object' };
  const unknownFields = Object.keys(input).filter((k) => !FIELDS.has(k));
  if (unknownFields.length > 0) return { ok: false, code: 'ISSUER.BODY_INVALID', reason: 'the body has unknown fields' };
  const given = ['targetAzureResourceId', 'resourceId'].filter((k) => k in input);
  if (given.length !== 1) {
    return { ok: false, code: 'ISSUER.BODY_INVALID', reason: 'exactly one of targetAzureResourceId and resourceId is required' };
  }
  const rawResource = input[given[0]];
  if (typeof rawResource !== 'string') return { ok: false, code: 'ISSUER.BODY_INVALID', reason: `${given[0]} is not a string` };
  const flags = input['featureFlags'];
  if (!Array.isArray(flags) || flags.length === 0 || flags.length > MAX_FLAGS || !flags.every((f) => typeof f === 'string')) {
    return { ok: false, code: 'ISSUER.BODY_INVALID', reason: 'featureFlags must be a non-empty array of strings' };
  }
  const known = new Set<string>(FEATURE_FLAGS);
  const unknown = [...new Set(flags.filter((f) => !known.has(f)))];
  if (unknown.length > 0) {
    return { ok: false, code: 'ISSUER.FEATURE_UNKNOWN', reason: 'featureFlags holds unknown flags', unknown };
  }
  const resource = parseFaceResourceId(rawResource);
  if (!resource.ok) return { ok: false, code: 'ISSUER.RESOURCE_ID_INVALID', reason: resource.reason };
  const requested = new Set<string>(flags);
  return { ok: true, body: { resourceId: resource.canonical, features: FEATURE_FLAGS.filter((f) => requested.has(f)) } };
}
