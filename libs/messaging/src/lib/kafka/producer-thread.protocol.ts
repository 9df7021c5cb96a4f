import type { KafkaClientSettings } from './kafka-producer';

/** A message as it crosses to the producer thread (structured clone turns a Buffer into a Uint8Array). */
export interface WireMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the owning thread asks of the producer thread; each request is answered `done` or `failed` with its id. */
export type ToProducerThread =
  | { readonly kind: 'connect'; readonly id: number }
  | { readonly kind: 'send'; readonly id: number; readonly messages: readonly WireMessage[]; readonly timeoutMs: number }
  | { readonly kind: 'disconnect'; readonly id: number };

export type FromProducerThread =
  | { readonly kind: 'done'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly name: string; readonly message: string }
  | { readonly kind: 'connected'; readonly connected: boolean }
  | { readonly kind: 'log'; readonly level: 'error' | 'warn'; readonly message: string };

/** The worker's `workerData`. */
export type ProducerThreadData = KafkaClientSettings;
