import { z } from 'zod';
import { LeakIntakeError } from './leak-intake.errors';

/** The largest report body accepted, in bytes (checked on the raw body, before the signature). */
export const MAX_REPORT_BYTES = 256 * 1024;
/** The most tokens one report may carry; a scanner with more sends several reports. */
export const MAX_REPORTED_TOKENS = 100;

/**
 * A secret scanning partner report: a JSON array of matches, each the
 * token, the match type the reporter registered, the public URL where it
 * was found (may be empty) and where on the platform (`content`, `commit`,
 * `issue_comment`, …; absent in older reports). Unknown fields are ignored:
 * the reporter may add some.
 */
export const LeakReportSchema = z
  .array(
    z.object({
      token: z
        .string()
        .min(1)
        .max(16 * 1024),
      type: z.string().min(1).max(256),
      url: z.string().max(4096).default(''),
      source: z.string().max(256).optional(),
    }),
  )
  .min(1)
  .max(MAX_REPORTED_TOKENS);

export type LeakReport = z.output<typeof LeakReportSchema>;
export type ReportedToken = LeakReport[number];

/**
 * Validates a parsed report body.
 * @throws LeakIntakeError `ABUSE.LEAK_REPORT_INVALID` naming the first bad place (an index and a field, never a value)
 */
export function parseLeakReport(body: unknown): LeakReport {
  const parsed = LeakReportSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the body' : issue.path.map(String).join('.');
  throw new LeakIntakeError(
    'ABUSE.LEAK_REPORT_INVALID',
    `The report must be a JSON array of 1–${MAX_REPORTED_TOKENS} { token, type, url, source } objects; ${where} is not valid.`,
  );
}
