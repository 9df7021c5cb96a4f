import { ALL_EVENTS } from './events';
import { ALL_TOPICS, dlqTopic, Topics } from './topics';

describe(dlqTopic.name, () => {
  it('appends .dlq to the topic', () => {
    expect(dlqTopic(Topics.LatUsed)).toBe('lat.used.dlq');
  });
});

describe('ALL_TOPICS', () => {
  it('has every topic once and a contract on each', () => {
    expect(new Set(ALL_TOPICS).size).toBe(Object.keys(Topics).length);
    expect(new Set(ALL_EVENTS.map((e) => e.topic))).toEqual(new Set(ALL_TOPICS));
  });
});
