import { z } from 'zod';
import { canonicalResourceId, RESOURCE_ID_MAX } from './azure-resource-id';

/**
 * The only resource a limited access token may target: a Face resource,
 * `/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>`.
 * Names follow Azure's rules: a resource group is 1–90 of letters, digits,
 * `_`, `-`, `.`, `(`, `)` and does not end in `.`; an account (its custom
 * subdomain) is 2–64 letters, digits and `-`, starting and ending with a
 * letter or digit. Segments match case-insensitively (Azure's own rule). Everything
 * else, including trailing slashes, `..`, percent-encoding and other
 * providers, is refused: a lenient parser here would let two spellings name
 * one resource, or one spelling name another.
 *
 * One parser for every service: the issuer checks the audience it signs with
 * it, and the face-api the client resources an operator registers, so a
 * resource the face-api accepts is always one a token can be issued for.
 */
const FACE_RESOURCE_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/([A-Za-z0-9_().-]{1,90})\/providers\/microsoft\.cognitiveservices\/accounts\/([A-Za-z0-9][A-Za-z0-9-]{0,62}[A-Za-z0-9])$/i;

/** The outcome of parsing a Face resource id. */
export type ParsedResourceId = { readonly ok: true; readonly canonical: string } | { readonly ok: false; readonly reason: string };

/** Parses and canonicalises a Face resource id (see {@link FACE_RESOURCE_ID}). */
export function parseFaceResourceId(input: string): ParsedResourceId {
  const match = FACE_RESOURCE_ID.exec(input);
  if (!match) return { ok: false, reason: 'not a Microsoft.CognitiveServices/accounts resource id' };
  const resourceGroup = match[1];
  if (resourceGroup.endsWith('.')) return { ok: false, reason: 'resource group name ends with a period' };
  if (resourceGroup.includes('..')) return { ok: false, reason: 'resource group name contains ".."' };
  return { ok: true, canonical: canonicalResourceId(input) };
}

/**
 * A Face resource id as a schema: the {@link parseFaceResourceId} rules, the
 * refusal's reason as the issue message, and the canonical form as output.
 */
export const FaceResourceId = z
  .string()
  .max(RESOURCE_ID_MAX)
  .transform((input, context) => {
    const parsed = parseFaceResourceId(input);
    if (parsed.ok) return parsed.canonical;
    context.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  });
