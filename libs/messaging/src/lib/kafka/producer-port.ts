import type { Producer } from 'kafkajs';
import type { TransportMessage } from '../transport/transport';
import { sendMessages } from './kafka-producer';

/** The producing half of the Kafka transport: on this thread, or on a thread of its own (ThreadedProducer). */
export interface ProducerPort {
  connect(): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void>;
  /** Disconnects from the brokers; a later connect() resumes. */
  disconnect(): Promise<void>;
  connected(): boolean;
  /** Disconnects for good (and releases what it holds). */
  close(): Promise<void>;
}

/** kafkajs's producer on the calling thread. */
export class InlineProducer implements ProducerPort {
  private isConnected = false;

  constructor(private readonly producer: Producer) {
    producer.on(producer.events.CONNECT, () => (this.isConnected = true));
    producer.on(producer.events.DISCONNECT, () => (this.isConnected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.isConnected = true;
  }

  send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
    return sendMessages(this.producer, messages, timeoutMs);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  connected(): boolean {
    return this.isConnected;
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
