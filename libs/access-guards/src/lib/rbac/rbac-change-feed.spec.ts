import { EventBus, InProcessBroker, InProcessTransport, PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS } from '@latchkey/messaging';
import { DecisionCache } from './decision-cache';
import { RbacChangeFeed } from './rbac-change-feed';

describe(`${RbacChangeFeed.name} consumer session`, () => {
  it('reads under a group of its own with the short per-instance session, so it rejoins within seconds of a broker restart', async () => {
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    const subscribe = jest.spyOn(bus, 'subscribe');
    const feed = new RbacChangeFeed(bus, new DecisionCache({ ttlMs: 1_000, maxEntries: 10 }), 'face-api', undefined);
    try {
      await bus.connect();
      await feed.onApplicationBootstrap();
      const spec = subscribe.mock.calls[0]?.[0];
      expect(spec?.group).toMatch(/^face-api\.rbac-changes\.[0-9a-f-]{36}$/);
      expect(spec?.sessionTimeoutMs).toBe(PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS);
      expect(PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS).toBeGreaterThanOrEqual(6_000);
      expect(PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS).toBeLessThan(30_000);
    } finally {
      feed.onApplicationShutdown();
      await bus.close();
    }
  });
});
