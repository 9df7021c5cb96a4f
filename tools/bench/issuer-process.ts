/**
 * tools/bench/issuer-server.ts in a child process (BenchChild): its URL and
 * signing algorithm once it serves, its CPU time on demand, and a clean stop
 * (its pool must be closed before the scratch database is dropped).
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BenchChild, cpuProfileFlags, forkBenchServer } from './bench-child';

const ROOT = join(__dirname, '..', '..');

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
