import type { z } from 'zod';

/**
 * One sentence for a caller about why their input was refused, naming the
 * field (`what` and the issue's path) and what was expected, never echoing
 * the value: input may hold anything, a pasted key included. For 400
 * answers of admin APIs; a refinement's own message is ours, so it is shown.
 */
export function describeInputIssue(issue: z.core.$ZodIssue | undefined, what: string): string {
  if (issue === undefined) return `The ${what} is invalid.`;
  const field = issue.path.length > 0 ? `${what} field ${issue.path.map(String).join('.')}` : what;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `The ${field} has unknown fields.`;
    case 'invalid_value':
      return `The ${field} must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'too_big':
      return `The ${field} is ${issue.origin === 'string' ? 'too long' : issue.origin === 'array' ? 'too many items' : 'too large'}.`;
    case 'custom':
      return `The ${field} is invalid (${issue.message}).`;
    default:
      return `The ${field} is invalid (${issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code}).`;
  }
}
