import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CliError } from './cli-error';

/** The options that name an ISV's subscription key, for commands that act as the ISV (token issue, client block). */
export function addIsvKeyOptions(command: Command): Command {
  return command
    .addOption(new Option('--isv-key-file <file>', "a file holding the ISV's subscription key"))
    .addOption(
      new Option('--isv-key <key>', "the ISV's subscription key (visible to other users in the process list: prefer the file or the variable)"),
    );
}

/** The ISV key: --isv-key-file, else --isv-key, else LATCHKEY_ISV_KEY. Never echoed. */
export async function isvKey(command: Command, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<string> {
  const { isvKeyFile, isvKey: given } = command.opts<{ isvKeyFile?: string; isvKey?: string }>();
  if (isvKeyFile !== undefined) {
    const path = resolve(cwd, isvKeyFile);
    const key = await readFile(path, 'utf8').then(
      (text) => text.trim(),
      () => {
        throw new CliError(`${path} cannot be read`);
      },
    );
    if (key === '') throw new CliError(`${path} is empty`);
    return key;
  }
  const key = given ?? env['LATCHKEY_ISV_KEY'];
  if (!key) throw new CliError('no ISV subscription key: give --isv-key-file, LATCHKEY_ISV_KEY or --isv-key');
  return key.trim();
}
