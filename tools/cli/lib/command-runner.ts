import type { Command } from 'commander';
import type { CliIo } from './cli-io';
import { CliContext } from './cli-context';
import { EXIT, type ExitCode } from './exit-codes';

/** A command's body: it prints through the context and answers its exit code (OK when it answers nothing). */
export type CommandHandler = (ctx: CliContext, command: Command) => Promise<ExitCode | void>;

/**
 * Turns handlers into commander actions and keeps the exit code of the one
 * that ran: commander ignores what an action returns.
 */
export class CommandRunner {
  exitCode: ExitCode = EXIT.OK;

  constructor(readonly io: CliIo) {}

  action(handler: CommandHandler): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      this.exitCode = (await handler(CliContext.of(this.io, command), command)) ?? EXIT.OK;
    };
  }
}

/** The positional argument at `index` (commander has checked that required ones are there). */
export function arg(command: Command, index: number): string {
  return command.args[index] ?? '';
}
