import { z } from 'zod';
import type { FaceErrorCode } from '@latchkey/contracts';
import { FaceError } from './face.errors';
import { GUID_PATTERN } from './matching/face-id';

/** A face or person id: a GUID in any case, as the vendor accepts it. */
export const Guid = z.string().regex(GUID_PATTERN, { message: 'must be a GUID' });

/** The vendor's syntax for person group, large person group, face list and large face list ids. */
export const GalleryId = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { message: "must be 1 to 64 lower-case letters, digits, '-' or '_'" });

/**
 * Which refusal a failing field answers with, by top-level field name. An
 * array field may answer its own failures (missing, empty, too long) and its
 * items' failures with different codes. A field not listed is a plain
 * FACE.BODY_INVALID.
 */
export type FieldCodes = Readonly<Record<string, FaceErrorCode | { readonly self: FaceErrorCode; readonly items: FaceErrorCode }>>;

/** A fully optional field: the vendor treats `null` as absent ("are both null"). */
export function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * Parses a Face request body with `schema` or refuses with the first
 * failing field's vendor error (fields are checked in the schema's order).
 * The inner message names the field and the rule, never the value. Fields
 * the schema does not know are ignored, as the vendor ignores them.
 */
export function parseFaceBody<S extends z.ZodType>(schema: S, body: unknown, codes: FieldCodes): z.output<S> {
  // The input is reported only to tell a missing field from a mistyped one; it is never echoed.
  const parsed = schema.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined || issue.path.length === 0) throw new FaceError('FACE.BODY_INVALID', 'The request body must be a JSON object.');
  const field = String(issue.path[0]);
  const rule = codes[field] ?? 'FACE.BODY_INVALID';
  const code = typeof rule === 'string' ? rule : issue.path.length > 1 ? rule.items : rule.self;
  throw new FaceError(code, describe(issue));
}

/** `faceIds[3]` for the path ['faceIds', 3]. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

function describe(issue: z.core.$ZodIssue): string {
  const field = `'${fieldName(issue.path)}'`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? `${field} is missing.` : `${field} must be ${article(issue.expected)}.`;
    case 'too_small':
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? `${field} is empty.` : `${field} holds fewer than ${issue.minimum} items.`;
      return `${field} must be at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'array') return `${field} holds more than ${issue.maximum} items.`;
      if (issue.origin === 'string') return `${field} is longer than ${issue.maximum} characters.`;
      return `${field} must be at most ${issue.maximum}.`;
    case 'invalid_value':
      return `${field} must be one of: ${issue.values.map(String).join(', ')}.`;
    default:
      return `${field} ${issue.message}.`;
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
