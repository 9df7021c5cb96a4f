import type { Producer } from 'kafkajs';
import type { TransportMessage } from '../transport/transport';
import { sendMessages, type KafkaLog } from './kafka-producer';

/**
 * Broker answers meaning the broker no longer knows this producer's
 * sequence: it lost the producer's state (a broker restart that did not keep
 * the last batches, an expired producer id) or the producer's own count ran
 * ahead of what the broker wrote. kafkajs's idempotent producer does not
 * recover from these: every later send fails the same way, for good. Found
 * by the fault suite's 60-s broker outage: the face-api's producer answered
 * OUT_OF_ORDER_SEQUENCE_NUMBER to every send after the broker came back, so
 * the spool it fell back on could never drain.
 */
const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** The protocol error type (kafkajs's `type`) behind `error`, looking through kafkajs's wrappers (`cause`, `errors`). */
export function producerStateLost(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const { type, cause, errors } = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof type === 'string' && PRODUCER_STATE_LOST.has(type)) return type;
  const nested = [cause, ...(Array.isArray(errors) ? errors : [])];
  for (const inner of nested) {
    const found = producerStateLost(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * kafkajs's idempotent producer, replaced by a new one (a new producer id,
 * sequences from zero) when the broker has lost its sequence. The send that
 * met the error still fails, so its caller keeps the events (outbox row,
 * spool) and sends them again: at least once, as before; the audit stores
 * each event id once. Only the current producer's connection events are
 * reported, so the old one's disconnect cannot mark the new one down.
 */
export class RenewingProducer {
  private producer: Producer;
  private connectWanted = false;

  constructor(
    private readonly create: () => Producer,
    private readonly onConnected: (connected: boolean) => void,
    private readonly log?: KafkaLog,
  ) {
    this.producer = this.adopt(create());
  }

  async connect(): Promise<void> {
    this.connectWanted = true;
    await this.producer.connect();
    this.onConnected(true);
  }

  async send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
    const producer = this.producer;
    try {
      await sendMessages(producer, messages, timeoutMs);
    } catch (error) {
      const lost = producerStateLost(error);
      if (lost !== undefined && producer === this.producer) await this.renew(producer, lost);
      throw error;
    }
  }

  disconnect(): Promise<void> {
    this.connectWanted = false;
    return this.producer.disconnect();
  }

  private async renew(old: Producer, reason: string): Promise<void> {
    this.log?.('warn', `the broker lost this producer's sequence (${reason}); continuing with a new idempotent producer`);
    this.producer = this.adopt(this.create());
    await old.disconnect().catch(() => undefined);
    // Connected in the background of this failed send: the caller retries later anyway, and a broker that refuses
    // the connection now is met again by that retry.
    if (this.connectWanted) await this.producer.connect().catch(() => undefined);
  }

  private adopt(producer: Producer): Producer {
    producer.on(producer.events.CONNECT, () => {
      if (producer === this.producer) this.onConnected(true);
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.onConnected(false);
    });
    return producer;
  }
}
