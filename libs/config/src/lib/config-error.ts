/** One variable that failed validation. `problem` never contains the value. */
export interface ConfigIssue {
  readonly variable: string;
  readonly slice: string;
  readonly problem: string;
  /** A safe rendering of the received value, absent when the variable is secret or unset. */
  readonly received?: string;
}

const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;
/** Variables that are connection strings and may embed credentials anywhere (userinfo, query). */
const SECRET_URL_VARIABLES = new Set(['DATABASE_URL']);
const USERINFO = /\/\/[^/@\s]*@/;
const MAX_ECHO = 80;

/**
 * Whether a variable's value may be echoed in an error message. Secret-looking
 * names (`*KEY*`, `*SECRET*`, `*PASSWORD*`, `*TOKEN*`), `DATABASE_URL`, and any
 * value carrying URL credentials are never echoed.
 */
export function isEchoable(variable: string, value: string): boolean {
  // The product prefix itself ends in KEY; the glob applies to the rest of the name.
  const name = variable.replace(/^LATCHKEY_/, '');
  return !SECRET_NAME.test(name) && !SECRET_URL_VARIABLES.has(variable) && !USERINFO.test(value);
}

/** A short, quoted, control-character-free rendering of a non-secret value. */
export function echoValue(value: string): string {
  const shown = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
  return JSON.stringify(shown);
}

/**
 * Thrown when configuration is invalid. The message lists every bad variable
 * at once (so one restart fixes them all) and is meant to be printed as is,
 * without a stack.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 variable' : `${issues.length} variables`;
  const lines = issues.map((issue) => {
    const received = issue.received === undefined ? '' : ` (got ${issue.received})`;
    return `  - ${issue.variable} [${issue.slice}]: ${issue.problem}${received}`;
  });
  return [`Invalid configuration: ${count} to fix.`, ...lines].join('\n');
}
