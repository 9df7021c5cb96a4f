import type { Command } from 'commander';
import { Option } from 'commander';
import { CliError } from '../lib/cli-error';
import type { CliContext } from '../lib/cli-context';
import { arg, type CommandRunner } from '../lib/command-runner';
import { EXIT } from '../lib/exit-codes';
import { renderTable } from '../lib/output';

interface KeyInfo {
  readonly keyId: string;
  readonly slot: number;
  readonly hint: string;
  readonly createdAt: string;
}

interface IssuedKey extends KeyInfo {
  readonly subscriptionKey: string;
  readonly replacedKeyId: string | null;
}

const keysPath = (isvId: string, slot?: string) => `/admin/v1/isvs/${encodeURIComponent(isvId)}/keys${slot ? `/${slot}` : ''}`;
const slotOption = () => new Option('--slot <slot>', 'key slot, like key1 and key2').choices(['1', '2']);

/**
 * The key is in this one answer only (the issuer never shows it again), so it
 * goes to stdout, and the reminder to keep it to stderr.
 */
function printIssued(ctx: CliContext, issued: IssuedKey): void {
  ctx.out.result(issued, () =>
    [
      `slot ${issued.slot}: key ${issued.keyId}${issued.replacedKeyId ? ` (replaces ${issued.replacedKeyId}, which stopped working now)` : ''}`,
      `subscription key: ${issued.subscriptionKey}`,
    ].join('\n'),
  );
  ctx.out.note('The subscription key is shown this once: store it now.');
}

/** `latchkey keys …`: an ISV's two subscription key slots on the issuer. */
export function registerKeyCommands(program: Command, runner: CommandRunner): void {
  const keys = program.command('keys').description("an ISV's subscription keys (two slots, for rotation without downtime)");

  keys
    .command('list')
    .description("the ISV's active keys by slot (hints only, never the keys)")
    .argument('<isv-id>')
    .action(
      runner.action(async (ctx, command) => {
        const { client, credential } = await ctx.admin('issuer');
        const { keys: found } = await client.json<{ keys: KeyInfo[] }>('GET', keysPath(arg(command, 0)), { credential });
        ctx.out.result({ keys: found }, () =>
          found.length === 0
            ? 'no subscription keys'
            : renderTable(
                ['slot', 'key id', 'ends with', 'created'],
                found.map((k) => [k.slot, k.keyId, k.hint, k.createdAt]),
              ),
        );
      }),
    );

  keys
    .command('create')
    .description('create a key in an empty slot (the first empty one unless --slot); the key is shown once')
    .argument('<isv-id>')
    .addOption(slotOption())
    .action(
      runner.action(async (ctx, command) => {
        const { client, credential } = await ctx.admin('issuer');
        const isvId = arg(command, 0);
        const wanted = command.opts<{ slot?: string }>().slot;
        const { keys: held } = await client.json<{ keys: KeyInfo[] }>('GET', keysPath(isvId), { credential });
        const taken = new Set(held.map((k) => String(k.slot)));
        const slot = wanted ?? ['1', '2'].find((s) => !taken.has(s));
        // Creating into a held slot would silently revoke its key: that is `rotate`, asked for by name.
        if (slot === undefined)
          throw new CliError(`${isvId} holds keys in both slots: rotate one with \`latchkey keys rotate ${isvId} --slot N\``, EXIT.REJECTED);
        if (taken.has(slot))
          throw new CliError(`slot ${slot} of ${isvId} holds a key: rotate it with \`latchkey keys rotate ${isvId} --slot ${slot}\``, EXIT.REJECTED);
        printIssued(ctx, await client.json<IssuedKey>('POST', keysPath(isvId, slot), { credential }));
      }),
    );

  keys
    .command('rotate')
    .description("replace a slot's key: the old key stops working at once, the other slot's keeps working; the new key is shown once")
    .argument('<isv-id>')
    .addOption(slotOption().makeOptionMandatory())
    .action(
      runner.action(async (ctx, command) => {
        const { client, credential } = await ctx.admin('issuer');
        printIssued(ctx, await client.json<IssuedKey>('POST', keysPath(arg(command, 0), command.opts<{ slot: string }>().slot), { credential }));
      }),
    );

  keys
    .command('revoke')
    .description("revoke a slot's key")
    .argument('<isv-id>')
    .addOption(slotOption().makeOptionMandatory())
    .action(
      runner.action(async (ctx, command) => {
        const { client, credential } = await ctx.admin('issuer');
        const revoked = await client.json<{ keyId: string; slot: number }>(
          'DELETE',
          keysPath(arg(command, 0), command.opts<{ slot: string }>().slot),
          { credential },
        );
        ctx.out.result(revoked, () => `slot ${revoked.slot}: key ${revoked.keyId} revoked`);
      }),
    );
}
