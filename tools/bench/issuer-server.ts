/**
 * The issuer under benchmark, in a process of its own (forked by
 * tools/bench/issuance.ts with `-r @swc-node/register`), so the load
 * generator does not share its event loop.
 *
 * It boots the real IssuerModule with createServiceApp, as the service and
 * the integration tests do, plus one bare route, POST /bench/sign-only, that
 * signs a LAT per request and nothing else: the ceiling issuance is compared
 * with. It seeds one approved ISV holding every flag, with the key given in
 * BENCH_ISV_KEY, then reports its URL to the parent over IPC and answers
 * `cpu` messages with its own CPU time, so the parent can split the machine's
 * CPU between server, load generator and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Module, Post, Res, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { createServiceApp, Public } from '@latchkey/http';
import { IsvRepository, SubscriptionKeyRepository } from '@latchkey/issuer/data-access';
import { IssuerModule, SubscriptionKeyDigester } from '@latchkey/issuer/feature';
import {
  DEFAULT_SIGNING_ALGORITHM,
  generateSigningKey,
  signLimitedAccessToken,
  type SigningKey,
} from '@latchkey/tokens';
import { BENCH_ISV_ID, BENCH_RESOURCE, type ParentMessage, type ServerMessage } from './bench-protocol';


/**
 * The bare route. SigningKeyService is not exported by @latchkey/issuer/feature,
 * so it signs with a key of its own of the same algorithm (DEFAULT_SIGNING_ALGORITHM,
 * what the issuer's first key uses): the same signLimitedAccessToken call,
 * claims and headers as the issuance, hence the same cost. Same Nest/Fastify
 * pipeline as the real route (exception filter, pino-http), no database.
 */
@Controller('bench')
class SignOnlyController implements OnModuleInit {
  private key: SigningKey | undefined;

  async onModuleInit(): Promise<void> {
    this.key = await generateSigningKey(DEFAULT_SIGNING_ALGORITHM);
  }

  @Post('sign-only')
  @Public()
  @HttpCode(200)
  async signOnly(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.key) throw new Error('bench key not generated yet');
    const signed = await signLimitedAccessToken(
      {
        issuer: process.env['LATCHKEY_ISSUER_URL'] ?? 'http://127.0.0.1:3001',
        isvId: BENCH_ISV_ID,
        resourceId: BENCH_RESOURCE,
        features: [...FEATURE_FLAGS],
        lifetimeSeconds: 3600,
        now: new Date(),
        jti: randomUUID(),
      },
      this.key,
    );
    void reply.header('content-type', 'application/jwt').header('cache-control', 'no-store');
    return signed.token;
  }
}

@Module({ imports: [IssuerModule], controllers: [SignOnlyController] })
class BenchIssuerModule {}

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const isvKey = process.env['BENCH_ISV_KEY'];
  if (!isvKey || !process.send) throw new Error('run me through tools/bench/issuance.ts (needs BENCH_ISV_KEY and an IPC channel)');
  const handle = await createServiceApp({ name: 'issuer', module: BenchIssuerModule, port: 0 });
  // The parent's key, stored as an operator's key would be (its digest in slot 1).
  // Not all exported from the issuer module, but app.get searches every module.
  await handle.app.get(IsvRepository).insertIfAbsent({ id: BENCH_ISV_ID, displayName: 'Benchmark ISV', status: 'approved', grantedFeatures: [...FEATURE_FLAGS] });
  const digest = handle.app.get(SubscriptionKeyDigester).digest(isvKey);
  await handle.app.get(SubscriptionKeyRepository).putInSlot(BENCH_ISV_ID, 1, { id: 'sk-bench', digest, hint: isvKey.slice(-4) }, new Date());
  process.on('message', (message: ParentMessage) => {
    if (message.kind === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ kind: 'cpu', userMicros: user, systemMicros: system });
    } else {
      // Close the pool before the parent drops the scratch database.
      void handle.close().finally(() => process.exit(0));
    }
  });
  send({ kind: 'ready', url: handle.url, alg: DEFAULT_SIGNING_ALGORITHM });
}

main().catch((error: unknown) => {
  send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
