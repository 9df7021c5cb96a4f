/**
 * An open-loop load generator for tools/bench/exchange.ts: requests are sent
 * at a fixed rate, evenly spaced (request i is due at start + i / rate),
 * whatever the server's answers do, over at most `connections` keep-alive
 * sockets. A request that finds every socket busy waits in the agent's queue,
 * and its latency counts from when it was due, not from when it went out, so
 * a server that falls behind shows it in the percentiles (no coordinated
 * omission). autocannon cannot do this: its rate limit lets each connection
 * fire its quota for the second back to back at the top of every second.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One request to send: path, headers and body. */
export interface PacedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PacedOptions {
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Keep-alive sockets at most. */
  readonly connections: number;
  /** The i-th request (from 0). */
  readonly next: (i: number) => PacedRequest;
  /** Called with each answer's status and body (e.g. to count or check them), the request's index and its latency from when it was due (ms). */
  readonly onAnswer?: (status: number, body: string, i: number, latencyMs: number) => void;
  /**
   * When set, `connections` concurrent GETs of this path open every socket before the first request is due, so the
   * run measures the server with its connections established, not their opening. Unset, sockets open on demand.
   */
  readonly preconnectPath?: string;
}

export interface PacedResult {
  readonly sent: number;
  /** Requests answered, by status. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly errors: number;
  /** From the first request due to the last answer, s. */
  readonly elapsedSeconds: number;
  /** Latency of every answered request, ms, sorted ascending. */
  readonly latenciesMs: Float64Array;
  /** Latency from when each request was actually handed to the socket pool (the generator's own lateness left out), ms, sorted. */
  readonly fromSendMs: Float64Array;
  /** Latency of request i (by when it was due), ms; NaN if it got no answer. */
  readonly latencyByRequestMs: Float64Array;
  /** How late the generator itself sent requests (its own event loop), ms: p99 and max. */
  readonly sendLagP99Ms: number;
  readonly sendLagMaxMs: number;
}

/**
 * Where the slow requests of a paced run fell: the 100 ms windows (by when requests were due) holding any request
 * slower than `thresholdMs`, and how many requests were that slow. A few windows mean stalls; many, a server
 * that is slow throughout.
 */
export function slowWindows(
  result: PacedResult,
  rate: number,
  thresholdMs: number,
): { readonly slow: number; readonly windows: number; readonly of: number } {
  const perWindow = rate / 10;
  const windows = new Set<number>();
  let slow = 0;
  result.latencyByRequestMs.forEach((ms, i) => {
    if (!(ms > thresholdMs)) return;
    slow += 1;
    windows.add(Math.floor(i / perWindow));
  });
  return { slow, windows: windows.size, of: Math.ceil(result.latencyByRequestMs.length / perWindow) };
}

/** The q-quantile (0..1) of sorted values (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Opens `connections` sockets of `agent` with concurrent GETs of `path`, which stay in its pool (keep-alive). */
async function preconnect(agent: Agent, target: URL, path: string, connections: number): Promise<void> {
  const one = () =>
    new Promise<void>((done, fail) => {
      const req = httpRequest({ agent, host: target.hostname, port: target.port, method: 'GET', path }, (res) => {
        res.resume();
        res.on('end', () => done());
      });
      req.on('error', fail);
      req.end();
    });
  await Promise.all(Array.from({ length: connections }, one));
}

/** Sends `rate × seconds` requests at an even pace, then waits for every answer. */
export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  if (options.preconnectPath !== undefined) await preconnect(agent, target, options.preconnectPath, options.connections);
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const latencies = new Float64Array(total);
  const byRequest = new Float64Array(total).fill(Number.NaN);
  const fromSend = new Float64Array(total);
  const sendLags = new Float64Array(total);
  const statuses = new Map<number, number>();
  let answered = 0;
  let errors = 0;
  let sent = 0;
  let lastAnswerAt = 0;
  const start = performance.now() + 20;

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      const measured = latencies.slice(0, answered).sort();
      const lags = sendLags.slice(0, sent).sort();
      resolve({
        sent,
        statuses,
        errors,
        elapsedSeconds: (lastAnswerAt - start) / 1000,
        latenciesMs: measured,
        latencyByRequestMs: byRequest,
        fromSendMs: fromSend.slice(0, answered).sort(),
        sendLagP99Ms: quantile(lags, 0.99),
        sendLagMaxMs: lags[lags.length - 1] ?? 0,
      });
    };
    const settle = () => {
      if (sent === total && answered + errors === total) finish();
    };
    const fire = (i: number) => {
      const due = start + i * intervalMs;
      const sentAt = performance.now();
      sendLags[i] = sentAt - due;
      const { path, headers, body } = options.next(i);
      const req = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            lastAnswerAt = performance.now();
            latencies[answered] = lastAnswerAt - due;
            byRequest[i] = lastAnswerAt - due;
            fromSend[answered] = lastAnswerAt - sentAt;
            answered += 1;
            const status = res.statusCode ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            options.onAnswer?.(status, Buffer.concat(chunks).toString(), i, lastAnswerAt - due);
            settle();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        settle();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    setTimeout(tick, 20);
  });
}
