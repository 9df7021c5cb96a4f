import type { Command } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import { arg } from '../lib/command-runner';
import { addIsvKeyOptions, isvKey } from '../lib/isv-key';
import { renderTable } from '../lib/output';

interface ClientEntry {
  readonly resourceId: string;
  readonly blocked: boolean;
  readonly issuedSince: number;
  readonly lastIssuedAt: string | null;
}

/**
 * `latchkey client …`: an ISV's block list of its client resources. The
 * issuer exposes it as ISV self-service (`/sts/v1.0/isv/clients`, over the
 * ISV's subscription key, docs/ISSUER.md), so these commands act as the ISV:
 * an operator uses them with a key the ISV gave, or in a test setup.
 */
export function registerClientCommands(program: Command, runner: CommandRunner): void {
  const client = program
    .command('client')
    .description("an ISV's client resources: list them, block or unblock issuance for one (with the ISV's key)");

  addIsvKeyOptions(client.command('list').description("the ISV's clients with their issuance counts of the last 24 hours and block state")).action(
    runner.action(async (ctx, command) => {
      const issuer = await ctx.client('issuer');
      const { clients } = await issuer.json<{ clients: ClientEntry[] }>('GET', '/sts/v1.0/isv/clients', {
        credential: { subscriptionKey: await isvKey(command, ctx.io.env, ctx.io.cwd) },
      });
      ctx.out.result({ clients }, () =>
        clients.length === 0
          ? 'no clients'
          : renderTable(
              ['resource', 'issued (24 h)', 'last issued', 'blocked'],
              clients.map((c) => [c.resourceId, c.issuedSince, c.lastIssuedAt, c.blocked ? 'yes' : '']),
            ),
      );
    }),
  );

  for (const [verb, what] of [
    ['block', 'stop issuing tokens for one client resource (from the next request)'],
    ['unblock', 'resume issuing tokens for one client resource'],
  ] as const) {
    const command = client.command(verb).description(what).argument('<resource-id>', "the client's Face resource id");
    if (verb === 'block') command.option('--reason <text>', 'why (at most 500 characters; kept with the block)');
    addIsvKeyOptions(command).action(
      runner.action(async (ctx, cmd) => {
        const issuer = await ctx.client('issuer');
        const reason = cmd.opts<{ reason?: string }>().reason;
        const answer = await issuer.json<{ resourceId: string; blocked: boolean }>('POST', `/sts/v1.0/isv/clients/${verb}`, {
          credential: { subscriptionKey: await isvKey(cmd, ctx.io.env, ctx.io.cwd) },
          body: { targetAzureResourceId: arg(cmd, 0), ...(reason !== undefined ? { reason } : {}) },
        });
        ctx.out.result(answer, () => `${answer.resourceId}: ${answer.blocked ? 'blocked' : 'unblocked'}`);
      }),
    );
  }
}
