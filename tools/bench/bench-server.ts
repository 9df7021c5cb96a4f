/**
 * The child side of bench-child.ts: boots one service module with
 * createServiceApp (configured entirely through the environment the parent
 * gives it; no KAFKA_BROKERS means the in-process bus), reports its URL over
 * IPC once /readyz answers 200, answers `cpu` messages with its own CPU time,
 * and closes (its pool first, before the parent drops the scratch database)
 * on `stop`. A server script is one call to serveForBenchmark.
 */
import type { Type } from '@nestjs/common';
import { createServiceApp } from '@latchkey/http';
import type { ParentMessage, ServerMessage } from './bench-protocol';

const READY_TIMEOUT_MS = 60_000;

function send(message: ServerMessage): void {
  process.send?.(message);
}

/** Serves `module` as service `name`; `alg` is what the ready message reports as the signing algorithm. */
export function serveForBenchmark(name: string, module: Type<unknown>, alg: string): void {
  boot(name, module, alg).catch((error: unknown) => {
    send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
}

async function boot(name: string, module: Type<unknown>, alg: string): Promise<void> {
  if (!process.send) throw new Error(`run the ${name} server through its benchmark in tools/bench (it needs an IPC channel)`);
  const handle = await createServiceApp({ name, module, port: 0 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ready = await handle.app.inject({ method: 'GET', url: '/readyz' });
    if (ready.statusCode === 200) break;
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s: ${ready.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.on('message', (message: ParentMessage) => {
    if (message.kind === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ kind: 'cpu', userMicros: user, systemMicros: system });
    } else {
      void handle.close().finally(() => process.exit(0));
    }
  });
  send({ kind: 'ready', url: handle.url, alg });
}
