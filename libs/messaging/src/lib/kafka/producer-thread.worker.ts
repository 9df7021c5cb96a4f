/**
 * The producer thread's entry (see producer-thread.ts): kafkajs's idempotent
 * producer, driven by messages from the owning thread. Imports only kafkajs
 * and relative modules, so it loads with nothing but a TypeScript require
 * hook (from source: tsx's, see producer-thread.ts) or as plain JavaScript (built).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createIdempotentProducer, createKafkaClient } from './kafka-producer';
import type { FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread.protocol';
import { RenewingProducer } from './renewing-producer';

const port = parentPort;
if (!port) throw new Error('producer-thread.worker.ts runs as a worker thread only');
const post = (message: FromProducerThread) => port.postMessage(message);

const log = (level: 'error' | 'warn', message: string) => post({ kind: 'log', level, message });
const kafka = createKafkaClient(workerData as ProducerThreadData, log);
const producer = new RenewingProducer(
  () => createIdempotentProducer(kafka),
  (connected) => post({ kind: 'connected', connected }),
  log,
);

async function handle(request: ToProducerThread): Promise<void> {
  switch (request.kind) {
    case 'connect':
      await producer.connect();
      return;
    case 'send':
      await producer.send(
        request.messages.map((m) => ({ ...m, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength) })),
        request.timeoutMs,
      );
      return;
    case 'disconnect':
      await producer.disconnect();
      return;
  }
}

port.on('message', (request: ToProducerThread) => {
  handle(request).then(
    () => post({ kind: 'done', id: request.id }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ kind: 'failed', id: request.id, name: e.name, message: e.message });
    },
  );
});
