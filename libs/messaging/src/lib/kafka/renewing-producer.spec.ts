import { EventEmitter } from 'node:events';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Producer } from 'kafkajs';
import { producerStateLost, RenewingProducer } from './renewing-producer';

/** kafkajs builds its protocol errors from the protocol table's entries; its types only admit an Error or a string. */
const protocolError = (entry: { type: string; code: number; retriable: boolean; message: string }) =>
  new KafkaJSProtocolError(entry as unknown as Error);

const OUT_OF_ORDER = {
  type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  code: 45,
  retriable: false,
  message: 'The broker received an out of order sequence number',
};

/** Enough of kafkajs's Producer for RenewingProducer: connect, disconnect, sendBatch and the two connection events. */
class FakeProducer extends EventEmitter {
  readonly events = { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' };
  readonly sent: unknown[] = [];
  disconnected = false;
  failNext: Error | undefined;

  async connect(): Promise<void> {
    this.emit(this.events.CONNECT);
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
    this.emit(this.events.DISCONNECT);
  }

  async sendBatch(batch: unknown): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    this.sent.push(batch);
  }
}

function renewing() {
  const made: FakeProducer[] = [];
  const states: boolean[] = [];
  const logs: string[] = [];
  const producer = new RenewingProducer(
    () => {
      const fake = new FakeProducer();
      made.push(fake);
      return fake as unknown as Producer;
    },
    (connected) => states.push(connected),
    (_level, message) => logs.push(message),
  );
  return { producer, made, states, logs };
}

const message = { topic: 't', key: 'k', value: Buffer.from('v'), headers: {} };

describe(producerStateLost.name, () => {
  it('finds the lost-sequence answers, also inside kafkajs wrappers, and nothing else', () => {
    expect(producerStateLost(protocolError(OUT_OF_ORDER))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError({ ...OUT_OF_ORDER, type: 'UNKNOWN_PRODUCER_ID' }), {
      retryCount: 3,
      retryTime: 1,
    });
    expect(producerStateLost(wrapped)).toBe('UNKNOWN_PRODUCER_ID');
    expect(producerStateLost({ errors: [new Error('x'), { type: 'INVALID_PRODUCER_EPOCH' }] })).toBe('INVALID_PRODUCER_EPOCH');
    expect(producerStateLost(protocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'n' }))).toBeUndefined();
    expect(producerStateLost(new Error('connect ECONNREFUSED'))).toBeUndefined();
    expect(producerStateLost(undefined)).toBeUndefined();
  });
});

describe(RenewingProducer.name, () => {
  it('fails the send that met a lost sequence, then sends the next one with a new, connected producer', async () => {
    const { producer, made, states, logs } = renewing();
    await producer.connect();
    made[0].failNext = protocolError(OUT_OF_ORDER);

    await expect(producer.send([message], 1_000)).rejects.toThrow(/out of order/);
    expect(made).toHaveLength(2);
    expect(made[0].disconnected).toBe(true);
    expect(logs.join()).toContain('OUT_OF_ORDER_SEQUENCE_NUMBER');

    await producer.send([message], 1_000);
    expect(made[1].sent).toHaveLength(1);
    // The old producer's disconnect did not mark the new one down.
    expect(states.at(-1)).toBe(true);
  });

  it('keeps its producer on any other failure (a broker away is retried by the same producer)', async () => {
    const { producer, made } = renewing();
    await producer.connect();
    made[0].failNext = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    await expect(producer.send([message], 1_000)).rejects.toThrow(/ECONNREFUSED/);
    await producer.send([message], 1_000);
    expect(made).toHaveLength(1);
    expect(made[0].sent).toHaveLength(1);
  });

  it('does not connect the new producer when it was disconnected on purpose', async () => {
    const { producer, made, states } = renewing();
    await producer.connect();
    await producer.disconnect();
    made[0].failNext = protocolError(OUT_OF_ORDER);
    await expect(producer.send([message], 1_000)).rejects.toThrow();
    expect(made).toHaveLength(2);
    expect(states.at(-1)).toBe(false);
  });
});
