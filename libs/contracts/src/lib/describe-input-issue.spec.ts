import { z } from 'zod';
import { describeInputIssue } from './describe-input-issue';

const issueOf = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error?.issues[0];

describe(describeInputIssue.name, () => {
  const Body = z.strictObject({ name: z.string().max(3), mode: z.enum(['a', 'b']), n: z.number().max(2), tags: z.array(z.string()).max(1) });
  const valid = { name: 'abc', mode: 'a', n: 1, tags: [] };

  it('names the field and what was expected, never the value', () => {
    const secret = 'lk_isv_pasted-secret-value';
    const cases: [unknown, string][] = [
      [{ ...valid, name: secret }, 'The body field name is too long.'],
      [{ ...valid, mode: secret }, 'The body field mode must be one of: a, b.'],
      [{ ...valid, n: 9 }, 'The body field n is too large.'],
      [{ ...valid, tags: ['x', 'y'] }, 'The body field tags is too many items.'],
      [{ ...valid, [secret]: 1 }, 'The body has unknown fields.'],
      [{ ...valid, n: secret }, 'The body field n is invalid (expected number).'],
    ];
    for (const [input, message] of cases) {
      const described = describeInputIssue(issueOf(Body, input), 'body');
      expect(described).toBe(message);
      expect(described).not.toContain(secret);
    }
  });

  it('shows a refinement’s own message, and covers a missing issue', () => {
    const Refined = z.string().refine(() => false, { message: 'must name a client' });
    expect(describeInputIssue(issueOf(Refined, 'x'), 'subject')).toBe('The subject is invalid (must name a client).');
    expect(describeInputIssue(undefined, 'query')).toBe('The query is invalid.');
  });
});
