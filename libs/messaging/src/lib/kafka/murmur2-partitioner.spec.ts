import fc from 'fast-check';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { murmur2, Murmur2Partitioner } from './murmur2-partitioner';

// kafkajs's own murmur2 (a port of the Java client's) is the reference.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer | string) => number;

const metadata = (count: number, leaderless: number[] = []): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

describe('murmur2', () => {
  it('equals kafkajs’s (the Java client’s) murmur2 on any key, as text or bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
        expect(murmur2(text)).toBe(kafkajsMurmur2(text));
        expect(murmur2(Buffer.from(bytes))).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches published Java values', () => {
    // Values from the Java client's UtilsTest (murmur2 of these UTF-8 strings).
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
  });
});

describe('Murmur2Partitioner', () => {
  it('places keyed messages where kafkajs’s DefaultPartitioner does', () => {
    const ours = Murmur2Partitioner();
    const reference = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (key, partitions) => {
        const args = { topic: 't', partitionMetadata: metadata(partitions), message: { key, value: null } };
        expect(ours(args)).toBe(reference(args));
      }),
    );
  });

  it('honours an explicit partition, and spreads keyless messages over partitions that have a leader', () => {
    const partition = Murmur2Partitioner();
    expect(partition({ topic: 't', partitionMetadata: metadata(3), message: { key: 'k', value: null, partition: 2 } })).toBe(2);
    const seen = new Set(Array.from({ length: 12 }, () => partition({ topic: 't', partitionMetadata: metadata(4, [1]), message: { value: null } })));
    expect([...seen].sort()).toEqual([0, 2, 3]);
  });
});
