import { EventBus, InProcessBroker, InProcessTransport, PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS } from '@latchkey/messaging';
import { SigningKeyRevocationFeed } from './signing-key-revocation.feed';
import type { SigningKeyService } from './signing-key.service';

describe(`${SigningKeyRevocationFeed.name} consumer session`, () => {
  it('reads under a group of its own with the short per-instance session, so it rejoins within seconds of a broker restart', async () => {
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    const subscribe = jest.spyOn(bus, 'subscribe');
    // The key service is only reached when a signing-key revocation arrives; none does here.
    const feed = new SigningKeyRevocationFeed(bus, {} as SigningKeyService);
    try {
      await bus.connect();
      await feed.onApplicationBootstrap();
      const spec = subscribe.mock.calls[0]?.[0];
      expect(spec?.group).toMatch(/^issuer\.signing-key-revocations\.[0-9a-f-]{36}$/);
      expect(spec?.sessionTimeoutMs).toBe(PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS);
    } finally {
      await bus.close();
    }
  });
});
