/** tools/bench/exchange-server.ts in a child process (BenchChild): its URL once it serves, its CPU time, a clean stop. */
import type { ChildProcess } from 'node:child_process';
import { BenchChild, cpuProfileFlags, forkBenchServer } from './bench-child';

export class ExchangeProcess extends BenchChild {
  private constructor(
    child: ChildProcess,
    readonly url: string,
  ) {
    super(child);
  }

  /**
   * @param env the child's whole environment (DATABASE_URL, LATCHKEY_EXCHANGE_*...).
   * @param cpuProfileDir write a V8 CPU profile of the exchange there (on a clean stop).
   */
  static async start(env: NodeJS.ProcessEnv, cpuProfileDir?: string): Promise<ExchangeProcess> {
    const { child, ready } = await forkBenchServer({
      name: 'the exchange',
      script: 'exchange-server.ts',
      env,
      execArgv: cpuProfileFlags(cpuProfileDir),
      bootTimeoutMs: 90_000,
    });
    return new ExchangeProcess(child, ready.url);
  }
}
