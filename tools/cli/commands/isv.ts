import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommandRunner } from '../lib/command-runner';
import { arg } from '../lib/command-runner';
import type { CliContext } from '../lib/cli-context';
import { renderTable } from '../lib/output';
import { FEATURE_FLAG_CHOICES } from './feature-flags';

/** An ISV as the issuer's admin API shows it (docs/ISSUER.md "Operator admin API"). */
export interface IsvView {
  readonly id: string;
  readonly displayName: string;
  readonly status: string;
  readonly grantedFeatures: readonly string[];
  readonly resourceId: string | null;
  readonly dpopRequired: boolean;
  readonly createdAt: string;
}

interface KeyInfo {
  readonly keyId: string;
  readonly slot: number;
  readonly hint: string;
  readonly createdAt: string;
}

const ISV_COLUMNS = ['id', 'name', 'status', 'flags', 'resource', 'DPoP', 'created'];
const isvRow = (isv: IsvView) => [
  isv.id,
  isv.displayName,
  isv.status,
  isv.grantedFeatures,
  isv.resourceId,
  isv.dpopRequired ? 'required' : '',
  isv.createdAt,
];

export function describeIsv(isv: IsvView): string {
  return renderTable(ISV_COLUMNS, [isvRow(isv)]);
}

const path = (isvId: string, rest = '') => `/admin/v1/isvs/${encodeURIComponent(isvId)}${rest}`;

/** Runs one admin call on the issuer that answers an ISV, and prints it. */
async function changeIsv(ctx: CliContext, method: string, route: string, body?: unknown): Promise<void> {
  const { client, credential } = await ctx.admin('issuer');
  const isv = await client.json<IsvView>(method, route, { credential, body });
  ctx.out.result(isv, () => describeIsv(isv));
}

/** `latchkey isv …`: the issuer's ISV administration (approve, flags, the issuing right). */
export function registerIsvCommands(program: Command, runner: CommandRunner): void {
  const isv = program.command('isv').description('ISVs on the issuer: list, create, approve, grant feature flags, revoke the issuing right');

  isv
    .command('list')
    .description('every ISV, as a table')
    .action(
      runner.action(async (ctx) => {
        const { client, credential } = await ctx.admin('issuer');
        const { isvs } = await client.json<{ isvs: IsvView[] }>('GET', '/admin/v1/isvs', { credential });
        ctx.out.result({ isvs }, () => (isvs.length === 0 ? 'no ISVs' : renderTable(ISV_COLUMNS, isvs.map(isvRow))));
      }),
    );

  isv
    .command('show')
    .description('one ISV and its subscription key slots (hints only, never the keys)')
    .argument('<isv-id>')
    .action(
      runner.action(async (ctx, command) => {
        const { client, credential } = await ctx.admin('issuer');
        const id = arg(command, 0);
        const [found, { keys }] = await Promise.all([
          client.json<IsvView>('GET', path(id), { credential }),
          client.json<{ keys: KeyInfo[] }>('GET', path(id, '/keys'), { credential }),
        ]);
        ctx.out.result({ ...found, keys }, () =>
          [
            describeIsv(found),
            keys.length === 0
              ? 'no subscription keys'
              : renderTable(
                  ['slot', 'key id', 'ends with', 'created'],
                  keys.map((k) => [k.slot, k.keyId, k.hint, k.createdAt]),
                ),
          ].join('\n'),
        );
      }),
    );

  isv
    .command('create')
    .description('register an ISV (it starts pending, with no flags and no keys)')
    .argument('<isv-id>', '2-63 lower-case letters, digits and hyphens')
    .requiredOption('--name <display-name>', 'the display name')
    .option('--resource-id <id>', "the ISV's own Face resource id (for issueToken)")
    .action(
      runner.action(async (ctx, command) => {
        const { name, resourceId } = command.opts<{ name: string; resourceId?: string }>();
        await changeIsv(ctx, 'POST', '/admin/v1/isvs', { id: arg(command, 0), displayName: name, ...(resourceId ? { resourceId } : {}) });
      }),
    );

  for (const [verb, what] of [
    ['approve', 'approve the ISV: it may issue tokens with its granted flags'],
    ['unapprove', 'back to pending: the ISV may no longer issue (its tokens stay valid)'],
  ] as const) {
    isv
      .command(verb)
      .description(what)
      .argument('<isv-id>')
      .action(runner.action((ctx, command) => changeIsv(ctx, 'POST', path(arg(command, 0), `/${verb}`))));
  }

  isv
    .command('grant')
    .description('grant a feature flag (idempotent)')
    .argument('<isv-id>')
    .addArgument(FEATURE_FLAG_CHOICES())
    .action(runner.action((ctx, command) => changeIsv(ctx, 'PUT', path(arg(command, 0), `/features/${encodeURIComponent(arg(command, 1))}`))));

  isv
    .command('revoke-flag')
    .description('revoke a feature flag (idempotent); tokens already issued keep it until they expire')
    .argument('<isv-id>')
    .addArgument(FEATURE_FLAG_CHOICES())
    .action(runner.action((ctx, command) => changeIsv(ctx, 'DELETE', path(arg(command, 0), `/features/${encodeURIComponent(arg(command, 1))}`))));

  for (const [verb, what, example] of [
    ['revoke', "revoke the ISV's right to issue: its earlier tokens are refused everywhere", 'ADMIN.CONTRACT_ENDED'],
    ['reinstate', 'let the ISV issue again (tokens from before the revocation stay refused)', 'ADMIN.RESOLVED'],
  ] as const) {
    isv
      .command(verb)
      .description(what)
      .argument('<isv-id>')
      .addOption(new Option('--reason <code>', `a reason code, e.g. ${example}`).makeOptionMandatory())
      .action(
        runner.action(async (ctx, command) => {
          const { client, credential } = await ctx.admin('issuer');
          const change = await client.json<{ isvId: string; action: string; notBefore: string }>(
            'POST',
            path(arg(command, 0), `/issuing-right/${verb}`),
            {
              credential,
              body: { reason: command.opts<{ reason: string }>().reason },
            },
          );
          ctx.out.result(
            change,
            () => `${change.isvId}: issuing right ${change.action === 'revoke' ? 'revoked' : 'reinstated'} (not before ${change.notBefore})`,
          );
        }),
      );
  }
}
