import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TransportMessage } from '../transport/transport';
import type { KafkaClientSettings, KafkaLog } from './kafka-producer';
import type { ProducerPort } from './producer-port';
import type { FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread.protocol';

/** Wait before a dead producer thread is started again on its own (a send starts one at once). */
const RESTART_DELAY_MS = 1000;

/** A request to the producer thread without its id. */
type Request = ToProducerThread extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Thrown for a send the producer thread failed: carries kafkajs's error name and message (never message contents). */
export class ProducerThreadError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * kafkajs's producer on a thread of its own. Encoding records (headers,
 * varints, CRC-32C) and the request bookkeeping cost tens of microseconds
 * of JavaScript per event, on the event loop that also answers HTTP: on a
 * resource server recording every use that is a fifth of the loop
 * (docs/BENCHMARKS.md). Here the loop only hands each batch over (one
 * structured clone) and waits for the answer; a thread that dies fails its
 * sends at once (callers spool or refuse) and the next send starts another.
 */
export class ThreadedProducer implements ProducerPort {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private isConnected = false;
  private wantConnected = false;

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly log?: KafkaLog,
  ) {}

  async connect(): Promise<void> {
    this.wantConnected = true;
    await this.call({ kind: 'connect' });
  }

  send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
    return this.call({ kind: 'send', messages, timeoutMs });
  }

  /** Disconnects from the brokers; the thread stays for a later connect. */
  async disconnect(): Promise<void> {
    this.wantConnected = false;
    if (this.worker) await this.call({ kind: 'disconnect' });
  }

  connected(): boolean {
    return this.isConnected;
  }

  /** Disconnects and ends the thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.disconnect().catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private call(request: Request): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private start(): Worker {
    const entry = workerEntry();
    const worker = new Worker(entry.file, { workerData: { ...this.settings } satisfies ProducerThreadData, execArgv: entry.execArgv });
    worker.unref(); // the owner closes it; it never keeps a process alive on its own
    worker.on('message', (message: FromProducerThread) => this.receive(message));
    worker.on('error', (error) => this.fail(worker, `the producer thread failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(worker, `the producer thread exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private receive(message: FromProducerThread): void {
    switch (message.kind) {
      case 'connected':
        this.isConnected = message.connected;
        return;
      case 'log':
        this.log?.(message.level, message.message);
        return;
      case 'done':
        this.pending.get(message.id)?.resolve();
        this.pending.delete(message.id);
        return;
      case 'failed':
        this.pending.get(message.id)?.reject(new ProducerThreadError(message.name, message.message));
        this.pending.delete(message.id);
        return;
    }
  }

  /** The thread is gone: its requests fail now, and the next call starts a new one (connected again if it was). */
  private fail(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.isConnected = false;
    const error = new ProducerThreadError('ProducerThreadGone', why);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.log?.('error', why);
    if (!this.wantConnected) return;
    // A second later, so a thread that cannot start does not spin.
    setTimeout(() => {
      if (this.worker || !this.wantConnected) return;
      this.connect().catch((e: unknown) => this.log?.('error', `restarting the producer thread failed: ${(e as Error).message}`));
    }, RESTART_DELAY_MS).unref();
  }
}

/**
 * The built worker when there is one; from source, the TypeScript file under
 * tsx's require hook. Not swc-node's, although `npm start` runs apps with it:
 * @swc/core is a native addon, and a second worker loading it after the first
 * was terminated crashes the process (SIGSEGV) unless the main thread holds
 * it too, which under jest or tsx it does not; tsx transpiles with esbuild's
 * service process, no addon.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const built = join(__dirname, 'producer-thread.worker.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  return { file: join(__dirname, 'producer-thread.worker.ts'), execArgv: ['-r', require.resolve('tsx/cjs')] };
}
