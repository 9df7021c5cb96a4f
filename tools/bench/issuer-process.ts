/**
 * tools/bench/issuer-server.ts in a child process (BenchChild): its URL and
 * signing algorithm once it serves, its CPU time on demand, and a clean stop
 * (its pool must be closed before the scratch database is dropped).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BenchChild, cpuProfileFlags, forkBenchServer } from './bench-child';

const ROOT = join(__dirname, '..', '..');

/**
 * The issuer's environment for a benchmark run: its own scratch database and fresh secrets, quiet logs, and the one
 * ISV key (`BENCH_ISV_KEY`) that carries all the load, whose per-key limit (429) is raised out of the way rather than
 * turned off (the check still runs). Set LATCHKEY_ISSUER_RATE_LIMIT_* to see per-ISV 429s instead.
 */
export function issuerBenchEnvironment(databaseUrl: string, isvKey: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
    LATCHKEY_ISSUER_URL: 'https://issuer.latchkey.example',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND: process.env['LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND'] ?? '1000000',
    LATCHKEY_ISSUER_RATE_LIMIT_BURST: process.env['LATCHKEY_ISSUER_RATE_LIMIT_BURST'] ?? '1000000',
    BENCH_ISV_KEY: isvKey,
  };
}

export class IssuerProcess extends BenchChild {
  private constructor(
    child: ChildProcess,
    readonly url: string,
    readonly alg: string,
  ) {
    super(child);
  }

  /**
   * @param env the child's whole environment (DATABASE_URL, key-encryption key, BENCH_ISV_KEY...).
   * @param telemetry load the OpenTelemetry preload like the service's main.ts does.
   * @param cpuProfileDir write a V8 CPU profile of the issuer there (on a clean stop), to see where its time goes.
   */
  static async start(env: NodeJS.ProcessEnv, telemetry: boolean, cpuProfileDir?: string): Promise<IssuerProcess> {
    const { child, ready } = await forkBenchServer({
      name: 'the issuer',
      script: 'issuer-server.ts',
      env,
      execArgv: [...(telemetry ? ['-r', join(ROOT, 'libs/telemetry/src/register.ts')] : []), ...cpuProfileFlags(cpuProfileDir)],
      bootTimeoutMs: 60_000,
    });
    return new IssuerProcess(child, ready.url, ready.alg);
  }
}
