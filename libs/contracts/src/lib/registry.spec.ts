import { z } from 'zod';
import { defineEvent } from './define-event';
import { EventRegistry } from './registry';
import { Topics, type Topic } from './topics';

const event = (type: string, topic: Topic = Topics.LatIssued) =>
  defineEvent({ type, topic, data: z.object({}), key: () => 'k', subject: () => 's' });

describe(EventRegistry.name, () => {
  it('rejects a type registered twice', () => {
    expect(() => new EventRegistry([event('com.latchkey.a.b.v1'), event('com.latchkey.a.b.v1')])).toThrow(
      /registered twice/,
    );
  });

  it('finds a contract by type and nothing for an unknown type', () => {
    const a = event('com.latchkey.a.b.v1');
    const registry = new EventRegistry([a]);
    expect(registry.get('com.latchkey.a.b.v1')).toBe(a);
    expect(registry.get('com.latchkey.a.b.v2')).toBeUndefined();
  });

  it('lists every version that travels on a topic, and only those', () => {
    const v1 = event('com.latchkey.a.b.v1', Topics.LatUsed);
    const v2 = event('com.latchkey.a.b.v2', Topics.LatUsed);
    const other = event('com.latchkey.c.d.v1', Topics.LatRejected);
    const registry = new EventRegistry([v1, v2, other]);
    expect(registry.forTopic(Topics.LatUsed)).toEqual([v1, v2]);
    expect(registry.all()).toHaveLength(3);
  });
});
