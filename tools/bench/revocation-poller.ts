/**
 * The client side of tools/bench/revocation-latency.ts: a few connections
 * calling a gated route back to back with the current token, noting for each
 * token when it was last served and when it was first refused as revoked.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** The face-api's answer to a gated request, as far as this benchmark cares. */
interface Answer {
  readonly status: number;
  /** `error.innererror.code` of a refusal (`TokenRevoked`...). */
  readonly inner: string | undefined;
}

/** What happened to one token's requests. */
export class TokenWatch {
  /** performance.now() and Date.now() when the first `TokenRevoked` answer arrived. */
  firstRefusal: { readonly perf: number; readonly epoch: number } | undefined;
  /** Date.now() at which each request that was then served had been sent, once watching started. */
  readonly servedSentAt: number[] = [];
  served = 0;
  /** Answers that were neither 200 nor TokenRevoked, by `status inner`. */
  readonly unexpected = new Map<string, number>();
  private watching = false;
  private readonly waiters: { served: (() => void)[]; refused: (() => void)[] } = { served: [], refused: [] };

  constructor(readonly token: string) {}

  /** From now on, remember when served requests were sent (the revocation is about to be published). */
  watch(): void {
    this.watching = true;
  }

  observe(answer: Answer, sentAtEpoch: number): void {
    if (answer.status === 200) {
      this.served += 1;
      if (this.watching) this.servedSentAt.push(sentAtEpoch);
      this.waiters.served.splice(0).forEach((wake) => wake());
    } else if (answer.status === 401 && answer.inner === 'TokenRevoked') {
      this.firstRefusal ??= { perf: performance.now(), epoch: Date.now() };
      this.waiters.refused.splice(0).forEach((wake) => wake());
    } else {
      const key = `${answer.status} ${answer.inner ?? ''}`.trim();
      this.unexpected.set(key, (this.unexpected.get(key) ?? 0) + 1);
    }
  }

  /** Resolves once a request with this token was served (it is accepted and the path is warm). */
  whenServed(timeoutMs: number): Promise<void> {
    return this.wait(() => this.served > 0, this.waiters.served, timeoutMs, 'no request served with the new token');
  }

  /** Resolves once a request with this token was refused as revoked. */
  whenRefused(timeoutMs: number): Promise<void> {
    return this.wait(() => this.firstRefusal !== undefined, this.waiters.refused, timeoutMs, 'the revoked token was never refused');
  }

  private wait(done: () => boolean, waiters: (() => void)[], timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** `connections` loops, each sending the watched token's request as soon as the previous answer arrived (plus `gapMs`). */
export class RevocationPoller {
  private current: TokenWatch | undefined;
  private stopped = false;
  private readonly agent: Agent;
  private loops: Promise<void>[] = [];
  /** Latency of served requests (ms), for the steady state beside the revocations. */
  readonly servedLatencies: number[] = [];

  constructor(
    private readonly url: URL,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly body: string,
    private readonly connections: number,
    private readonly gapMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** Switches every loop to `watch`'s token (each from its next request on). */
  follow(watch: TokenWatch): void {
    this.current = watch;
    if (this.loops.length === 0) this.loops = Array.from({ length: this.connections }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.agent.destroy();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const watch = this.current;
      if (!watch) return;
      const sentAt = Date.now();
      const started = performance.now();
      const answer = await this.post(watch.token);
      if (answer.status === 200) this.servedLatencies.push(performance.now() - started);
      watch.observe(answer, sentAt);
      if (this.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, this.gapMs));
    }
  }

  private post(token: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...this.headers, 'content-length': Buffer.byteLength(this.body), limitedaccesstoken: `Bearer ${token}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 200) return resolve({ status, inner: undefined });
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { innererror?: { code?: string } } };
              resolve({ status, inner: parsed.error?.innererror?.code });
            } catch {
              resolve({ status, inner: undefined });
            }
          });
        },
      );
      req.on('error', reject);
      req.end(this.body);
    });
  }
}
