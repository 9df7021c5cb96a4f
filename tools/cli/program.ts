import { Command, CommanderError, Option } from 'commander';
import { registerAlertCommands } from './commands/alerts';
import { registerAuditCommands } from './commands/audit';
import { registerClientCommands } from './commands/client';
import { registerIsvCommands } from './commands/isv';
import { registerKeyCommands } from './commands/keys';
import { registerStatusCommand } from './commands/status';
import { registerTokenCommands } from './commands/token';
import { CliError, UsageError } from './lib/cli-error';
import type { CliIo } from './lib/cli-io';
import { CommandRunner } from './lib/command-runner';
import { SERVICES, urlEnv, urlFlag } from './lib/endpoints';
import { EXIT } from './lib/exit-codes';

const EXIT_CODES_HELP = `
Exit codes:
  0  done (a verification found everything in order)
  1  a check failed: audit tampering, a token that does not verify, a service not ready
  2  could not run: bad arguments, unreadable input, a service or database unreachable
  3  refused by the server (401/403): check --token / LATCHKEY_OPERATOR_TOKEN or the key
  4  not found (404)
  5  rejected by the server (another 4xx: invalid input, conflict, rate limited)
  6  server error (5xx)`;

/** The program with every command group; `io` is where it reads and writes. */
export function buildProgram(io: CliIo, runner: CommandRunner): Command {
  const program = new Command('latchkey')
    .description('Operate a Latchkey platform: ISVs, keys, tokens, alerts, the audit chain, service status. See docs/CLI.md.')
    .option('--json', 'print results as JSON (stdout holds nothing else; no progress bars)')
    .option('--data-dir <dir>', 'the data folder of `npm start` (default: LATCHKEY_DATA_DIR, else .data)')
    .option(
      '--token <token>',
      "an operator access token for the admin APIs (default: LATCHKEY_OPERATOR_TOKEN, else each service's break-glass key file)",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const service of SERVICES) {
    program.addOption(
      new Option(
        `--${urlFlag(service)} <url>`,
        `the ${service} service's base URL (default: ${urlEnv(service)}, else demo-credentials.json)`,
      ).hideHelp(service === 'testapi'),
    );
  }
  registerIsvCommands(program, runner);
  registerKeyCommands(program, runner);
  registerClientCommands(program, runner);
  registerTokenCommands(program, runner);
  registerAlertCommands(program, runner);
  registerAuditCommands(program, runner);
  registerStatusCommand(program, runner);
  return program;
}

/**
 * Runs one command line and answers its exit code. Expected failures print
 * one `latchkey: …` line on stderr; messages never carry a key or token.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const runner = new CommandRunner(io);
  const program = buildProgram(io, runner);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.COULD_NOT_RUN;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return runner.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      return error.exitCode === 0 ? EXIT.OK : EXIT.COULD_NOT_RUN;
    }
    if (error instanceof CliError) {
      io.stderr(`latchkey: ${error.message}\n${error instanceof UsageError ? '(add --help for usage)\n' : ''}`);
      return error.exitCode;
    }
    // Unexpected (an unreadable export line, a database error): the message names files and hosts, never contents.
    io.stderr(`latchkey: ${(error as Error).message}\n`);
    return EXIT.COULD_NOT_RUN;
  }
}
