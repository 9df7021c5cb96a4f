import { EXIT, type ExitCode } from './exit-codes';

/**
 * An expected failure, in words fit for a terminal, with the exit code it
 * ends the command with. Messages name services, URLs, files and ids, never
 * a key, a token or row content: they are printed and may be logged.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.COULD_NOT_RUN,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in the command line itself: exit 2, with a hint to the usage. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.COULD_NOT_RUN);
    this.name = 'UsageError';
  }
}
