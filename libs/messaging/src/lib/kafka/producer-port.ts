import type { Producer } from 'kafkajs';
import type { TransportMessage } from '../transport/transport';
import type { KafkaLog } from './kafka-producer';
import { RenewingProducer } from './renewing-producer';

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

/** kafkajs's producer on the calling thread, renewed when the broker loses its sequence (RenewingProducer). */
export class InlineProducer implements ProducerPort {
  private isConnected = false;
  private readonly producer: RenewingProducer;

  constructor(create: () => Producer, log?: KafkaLog) {
    this.producer = new RenewingProducer(create, (connected) => (this.isConnected = connected), log);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
    return this.producer.send(messages, timeoutMs);
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
