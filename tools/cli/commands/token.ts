import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import type { CliContext } from '../lib/cli-context';
import { arg, type CommandRunner } from '../lib/command-runner';
import { EXIT } from '../lib/exit-codes';
import { addIsvKeyOptions, isvKey } from '../lib/isv-key';
import { decodeJws, verifyJws } from '../lib/jws';

const UNVERIFIED = 'UNVERIFIED: decoded only, the signature and claims were NOT checked (use `latchkey token verify`)';

/** `-` reads the token from stdin, so that `token issue … | token verify -` works and the token stays out of the process list. */
function tokenArgument(value: string): string {
  return (value === '-' ? readFileSync(0, 'utf8') : value).trim();
}

function when(seconds: unknown): string {
  return typeof seconds === 'number' ? ` (${new Date(seconds * 1000).toISOString()})` : '';
}

function describeClaims(claims: Record<string, unknown>): string {
  return Object.entries(claims)
    .map(([name, value]) => `  ${name}: ${JSON.stringify(value)}${['exp', 'iat', 'nbf'].includes(name) ? when(value) : ''}`)
    .join('\n');
}

async function issue(ctx: CliContext, command: Command): Promise<void> {
  const options = command.opts<{ resource: string; flag: string[]; lifetime?: string; dryRun?: boolean }>();
  const issuer = await ctx.client('issuer');
  const response = await issuer.send('POST', '/sts/v1.0/issueLimitedAccessToken', {
    credential: { subscriptionKey: await isvKey(command, ctx.io.env, ctx.io.cwd) },
    query: { expiredTime: options.lifetime, dryRun: options.dryRun ? 'true' : undefined },
    body: { targetAzureResourceId: options.resource, featureFlags: options.flag },
    accept: 'application/jwt, application/json',
  });
  if (options.dryRun) {
    const grant = (await response.json()) as unknown;
    ctx.out.result(grant, () => `would grant: ${JSON.stringify(grant)}`);
    return;
  }
  // The token is what was asked for: it is the output, and the only thing on stdout.
  const token = (await response.text()).trim();
  ctx.out.result({ token }, () => token);
}

/** `latchkey token …`: issue a limited access token for testing, decode one, verify one against a JWKS. */
export function registerTokenCommands(program: Command, runner: CommandRunner): void {
  const token = program.command('token').description('limited access tokens: issue one for testing, decode, verify against a JWKS');

  addIsvKeyOptions(
    token
      .command('issue')
      .description("issue a limited access token (LAT) through the issuer's public endpoint, with an ISV's key; prints the token")
      .requiredOption('--resource <id>', "the client's Face resource id (targetAzureResourceId)")
      .addOption(new Option('--flag <flag...>', 'feature flags to put in the token').choices([...FEATURE_FLAGS]).makeOptionMandatory())
      .option('--lifetime <seconds>', 'token lifetime, 60-86400 (default 3600)')
      .option('--dry-run', 'check everything and print what would be granted, issuing nothing'),
  ).action(runner.action(issue));

  token
    .command('decode')
    .description('print the header and claims of a JWT WITHOUT verifying it (clearly labelled unverified)')
    .argument('<jwt>', 'the token, or - to read it from stdin')
    .action(
      runner.action(async (ctx, command) => {
        const decoded = decodeJws(tokenArgument(arg(command, 0)));
        ctx.out.result({ verified: false, ...decoded }, () =>
          [UNVERIFIED, `header: ${JSON.stringify(decoded.header)}`, 'claims:', describeClaims(decoded.claims)].join('\n'),
        );
      }),
    );

  token
    .command('verify')
    .description('verify a JWT against a JWKS (signature with ES256/EdDSA only, times, and iss/aud when given)')
    .argument('<jwt>', 'the token, or - to read it from stdin')
    .option('--jwks <url|file>', "the key set (default: the issuer service's /.well-known/jwks.json)")
    .option('--issuer <iss>', 'the `iss` the token must carry')
    .option('--audience <aud>', 'the `aud` the token must carry (a LAT: the client resource id, in canonical lower case)')
    .action(
      runner.action(async (ctx, command) => {
        const options = command.opts<{ jwks?: string; issuer?: string; audience?: string }>();
        const jwks = options.jwks ?? `${await ctx.endpoints.url('issuer')}/.well-known/jwks.json`;
        const verdict = await verifyJws(tokenArgument(arg(command, 0)), { ...options, jwks, fetchImpl: ctx.io.fetch });
        ctx.out.result({ ...verdict, jwks }, () =>
          verdict.valid
            ? [
                `valid: signed by ${String(verdict.header['kid'])} (${String(verdict.header['alg'])}, ${String(verdict.header['typ'])}) per ${jwks}`,
                'claims:',
                describeClaims(verdict.claims),
              ].join('\n')
            : `INVALID (${verdict.code}): ${verdict.reason}`,
        );
        return verdict.valid ? EXIT.OK : EXIT.CHECK_FAILED;
      }),
    );
}
