/**
 * The scenarios of tools/bench/token-use.ts and how one is run: autocannon
 * against the forked face-api with a token per request from a reused or a
 * fresh pool, the CPU split around it, and the count of guarded 200s whose
 * use must have been recorded.
 */
import autocannon from 'autocannon';
import type { SigningAlgorithm } from '@latchkey/tokens';
import { kafkaCores, kafkaTicks } from './bench-kafka';
import type { BenchTokenIssuer } from './bench-token-issuer';
import { sampleCpu, splitCpu } from './cpu-meter';
import type { FaceApiProcess } from './face-api-process';
import type { PoolSigning, TokenUseRun } from './token-use-report';
import { GUARDED_PATH, UNGUARDED_PATH, VERIFY_ONLY_PATH, type RecorderMode } from './token-use-protocol';

interface Scenario {
  readonly path: string;
  readonly tokens: 'reused' | 'fresh';
  readonly alg: SigningAlgorithm;
  readonly recorder: RecorderMode;
  /** Its 200s each produce a `lat.used` event. */
  readonly records: boolean;
}

/** Every scenario by name (docs: the header of token-use.ts). */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  unguarded: { path: UNGUARDED_PATH, tokens: 'reused', alg: 'EdDSA', recorder: 'kafka', records: false },
  'guarded-reused': { path: GUARDED_PATH, tokens: 'reused', alg: 'EdDSA', recorder: 'kafka', records: true },
  'guarded-fresh': { path: GUARDED_PATH, tokens: 'fresh', alg: 'EdDSA', recorder: 'kafka', records: true },
  'guarded-reused-noop': { path: GUARDED_PATH, tokens: 'reused', alg: 'EdDSA', recorder: 'noop', records: false },
  'guarded-fresh-noop': { path: GUARDED_PATH, tokens: 'fresh', alg: 'EdDSA', recorder: 'noop', records: false },
  'guarded-fresh-es256': { path: GUARDED_PATH, tokens: 'fresh', alg: 'ES256', recorder: 'kafka', records: true },
  'verify-only': { path: VERIFY_ONLY_PATH, tokens: 'fresh', alg: 'EdDSA', recorder: 'kafka', records: false },
  'verify-only-es256': { path: VERIFY_ONLY_PATH, tokens: 'fresh', alg: 'ES256', recorder: 'kafka', records: false },
};
export const DEFAULT_SCENARIOS = 'unguarded,guarded-reused,guarded-reused-noop,guarded-fresh,verify-only,guarded-fresh-es256,verify-only-es256';
/** After a run, the server finishes the requests autocannon left in flight before the recorder may be switched. */
const SETTLE_MS = 500;

/** Hands out tokens: round robin over a small pool (reused), or each once (fresh). */
class TokenSource {
  private next = 0;
  exhausted = 0;
  constructor(
    private readonly tokens: readonly string[],
    private readonly fresh: boolean,
  ) {}
  take(): string {
    if (this.fresh && this.next >= this.tokens.length) this.exhausted += 1;
    return this.tokens[this.next++ % this.tokens.length] ?? '';
  }
}

interface Measured {
  readonly run: TokenUseRun;
  readonly sent: number;
  readonly answered: number;
  readonly ok: number;
}

async function measure(server: FaceApiProcess, name: string, connections: number, round: number, duration: number, source: TokenSource): Promise<Measured> {
  const scenario = SCENARIOS[name] as Scenario;
  let sent = 0;
  let answered = 0;
  let ok = 0;
  const countsBefore = await server.counts();
  const serverBefore = await server.cpu();
  const before = sampleCpu(serverBefore.micros);
  const kafkaBefore = kafkaTicks();
  const result = await autocannon({
    url: server.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': server.ready.subscriptionKey, 'user-agent': 'latchkey-bench' },
    body: server.ready.verifyBody,
    requests: [
      {
        path: scenario.path,
        // Called for every request (so every scenario costs the load generator the same);
        // autocannon copies the headers before, so setting one here is safe.
        setupRequest: (request) => {
          (request.headers ??= {})['limitedaccesstoken'] = `Bearer ${source.take()}`;
          return request;
        },
      },
    ],
    connections,
    pipelining: 1,
    duration,
    setupClient: (client) => {
      // 'request' is emitted by autocannon's client but missing from its typings.
      (client as NodeJS.EventEmitter).on('request', () => (sent += 1));
      client.on('response', (status: number) => {
        answered += 1;
        if (status === 200) ok += 1;
      });
    },
  });
  const serverAfter = await server.cpu();
  const countsAfter = await server.counts();
  const sends = countsAfter.busSends - countsBefore.busSends;
  const after = sampleCpu(serverAfter.micros);
  const split = splitCpu(before, after);
  const loopActive = serverAfter.loopActiveMs - serverBefore.loopActiveMs;
  const loopTotal = loopActive + serverAfter.loopIdleMs - serverBefore.loopIdleMs;
  const kafka = kafkaCores(kafkaBefore, kafkaTicks(), (after.atMs - before.atMs) / 1000);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return {
    run: {
      scenario: name,
      alg: scenario.alg,
      connections,
      round,
      result,
      cpu: {
        ...split,
        kafka,
        other: Math.max(0, split.other - kafka),
        serverMainThread: (serverAfter.mainThreadMicros - serverBefore.mainThreadMicros) / 1e6 / ((after.atMs - before.atMs) / 1000),
        eventLoopUtilization: loopTotal > 0 ? loopActive / loopTotal : 0,
      },
      poolExhausted: source.exhausted,
      eventsPerSend: sends > 0 ? (countsAfter.busEvents - countsBefore.busEvents) / sends : 0,
    },
    sent,
    answered,
    ok,
  };
}

/** How long each run lasts, and the rate a warm-up's fresh pool is sized for. */
export interface RunSettings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly maxRate: number;
}

/**
 * Runs scenarios one after the other on one face-api: switches its recorder,
 * signs fresh-token pools (outside the measured window), warms up, measures,
 * and keeps count of the guarded 200s whose use must have been recorded.
 */
export class ScenarioRunner {
  readonly runs: TokenUseRun[] = [];
  readonly pools: PoolSigning[] = [];
  /** Guarded 200s with the real recorder on, warm-ups included. */
  served = 0;
  /** Requests of those runs in flight when their time was up. */
  unanswered = 0;
  /** Highest rate measured so far per path: sizes the next fresh pool of that path. */
  private readonly fastest = new Map<string, number>();

  constructor(
    private readonly server: FaceApiProcess,
    private readonly issuer: BenchTokenIssuer,
    private readonly reused: Readonly<Record<SigningAlgorithm, readonly string[]>>,
    private readonly settings: RunSettings,
  ) {}

  async run(name: string, connections: number, round: number): Promise<void> {
    const scenario = SCENARIOS[name] as Scenario;
    const { seconds, warmupSeconds, maxRate } = this.settings;
    await this.server.setRecorder(scenario.recorder);
    let rate = maxRate;
    if (warmupSeconds > 0) {
      const warm = await measure(this.server, name, connections, round, warmupSeconds, await this.tokens(name, scenario, maxRate * warmupSeconds));
      this.account(scenario, warm);
      rate = warm.run.result.requests.total / warm.run.result.duration;
    }
    // A warm-up can be much slower than the run after it: twice its rate, or the fastest run of the path so far.
    const expected = Math.max(2 * rate, this.fastest.get(scenario.path) ?? 0);
    const measured = await measure(this.server, name, connections, round, seconds, await this.tokens(name, scenario, Math.ceil(expected * seconds) + 2000));
    this.account(scenario, measured);
    const achieved = measured.run.result.requests.total / measured.run.result.duration;
    this.fastest.set(scenario.path, Math.max(achieved, this.fastest.get(scenario.path) ?? 0));
    this.runs.push(measured.run);
    console.error(`round ${round}: ${name} at ${connections} connections: ${Math.round(achieved)} req/s`);
  }

  private async tokens(name: string, scenario: Scenario, count: number): Promise<TokenSource> {
    if (scenario.tokens === 'reused') return new TokenSource(this.reused[scenario.alg], false);
    const pool = await this.issuer.pool(this.server.ready.resourceId, scenario.alg, count);
    this.pools.push({ scenario: name, alg: scenario.alg, tokens: count, ms: pool.signingMs });
    return new TokenSource(pool.tokens, true);
  }

  private account(scenario: Scenario, m: Measured): void {
    if (!scenario.records) return;
    this.served += m.ok;
    this.unanswered += m.sent - m.answered;
  }
}
